package run.tokenlabs.chaos.scenarios.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusRuleManifestsTest {
  private static final String MANIFEST = """
      apiVersion: monitoring.coreos.com/v1
      kind: PrometheusRule
      metadata:
        name: example
        namespace: monitoring
      spec:
        groups:
          - name: example
            rules:
              - alert: ExampleAbsent
                expr: |
                  absent(up{job="x"})
                for: 1m
                labels:
                  severity: critical
                  slo_objective: "99.9"
                annotations:
                  summary: Job {{ $labels.job }} is gone.
              - record: example:ratio:rate5m
                expr: sum(rate(a[5m])) / sum(rate(b[5m]))
      """;

  @TempDir
  Path dir;

  @Test
  @DisplayName("spec.groups become the top-level groups of a plain rule file, content unchanged")
  void extractsGroupsUnchanged() throws IOException {
    Path manifest = write("example.yaml", MANIFEST);

    String plain = PrometheusRuleManifests.extractGroups(manifest);

    YAMLMapper yaml = new YAMLMapper();
    JsonNode extracted = yaml.readTree(plain);
    assertThat(extracted.fieldNames()).toIterable().containsExactly("groups");
    assertThat(extracted.path("groups")).isEqualTo(yaml.readTree(MANIFEST).path("spec").path("groups"));
    assertThat(extracted.path("groups").get(0).path("rules").get(0).path("labels").path("slo_objective").isTextual())
        .as("a quoted number stays a string (promtool wants string label values)").isTrue();
  }

  @Test
  @DisplayName("groups of several PrometheusRule documents in one file are concatenated in order")
  void concatenatesDocuments() throws IOException {
    Path manifest = write("two.yaml", MANIFEST + "---\n" + MANIFEST.replace("- name: example", "- name: second"));

    JsonNode groups = new YAMLMapper().readTree(PrometheusRuleManifests.extractGroups(manifest)).path("groups");

    assertThat(groups).extracting(g -> g.path("name").asText()).containsExactly("example", "second");
  }

  @Test
  @DisplayName("a manifest of another kind is refused, naming the file and the fix")
  void refusesWrongKind() throws IOException {
    Path manifest = write("cm.yaml", MANIFEST.replace("kind: PrometheusRule", "kind: ConfigMap"));

    assertThatThrownBy(() -> PrometheusRuleManifests.extractGroups(manifest))
        .isInstanceOf(InvalidRuleManifestException.class)
        .hasMessageContaining(manifest.toString())
        .hasMessageContaining("kind is 'ConfigMap', not PrometheusRule")
        .hasMessageContaining("set kind: PrometheusRule");
  }

  @Test
  @DisplayName("a plain rule file in rules/ is refused with a hint to wrap it")
  void refusesPlainRuleFile() throws IOException {
    Path manifest = write("plain.yml", "groups:\n  - name: g\n    rules:\n      - record: a\n        expr: b\n");

    assertThatThrownBy(() -> PrometheusRuleManifests.extractGroups(manifest))
        .isInstanceOf(InvalidRuleManifestException.class)
        .hasMessageContaining(manifest.toString())
        .hasMessageContaining("looks like a plain rule file");
  }

  @Test
  @DisplayName("a PrometheusRule without spec.groups is refused, naming the file and the fix")
  void refusesMissingGroups() throws IOException {
    Path manifest = write("nogroups.yaml", """
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata:
          name: empty
        spec: {}
        """);

    assertThatThrownBy(() -> PrometheusRuleManifests.extractGroups(manifest))
        .isInstanceOf(InvalidRuleManifestException.class)
        .hasMessageContaining(manifest.toString())
        .hasMessageContaining("spec.groups is missing")
        .hasMessageContaining("put the rule groups under spec.groups");
  }

  @Test
  @DisplayName("a wrong apiVersion, a group without rules and broken YAML are refused")
  void refusesOtherDefects() throws IOException {
    Path apiVersion = write("v.yaml", MANIFEST.replace("monitoring.coreos.com/v1", "monitoring.coreos.com/v1beta1"));
    Path noRules = write("r.yaml", MANIFEST.substring(0, MANIFEST.indexOf("    rules:")));
    Path broken = write("b.yaml", "kind: PrometheusRule\nspec: [unclosed\n");

    assertThatThrownBy(() -> PrometheusRuleManifests.extractGroups(apiVersion))
        .hasMessageContaining("apiVersion is 'monitoring.coreos.com/v1beta1'");
    assertThatThrownBy(() -> PrometheusRuleManifests.extractGroups(noRules))
        .hasMessageContaining("group 'example' has no rules list");
    assertThatThrownBy(() -> PrometheusRuleManifests.extractGroups(broken))
        .isInstanceOf(InvalidRuleManifestException.class)
        .hasMessageContaining(broken.toString())
        .hasMessageContaining("not valid YAML");
  }

  @Test
  @DisplayName("a directory is extracted file by file under the same names; subdirectories are skipped")
  void extractsDirectory() throws IOException {
    write("b.yaml", MANIFEST);
    write("a.yml", MANIFEST);
    write("README.md", "not a manifest");
    Files.createDirectories(dir.resolve("tests"));
    Files.writeString(dir.resolve("tests/x.test.yml"), "rule_files: [b.yaml]\n");
    Path out = dir.resolve("out");

    List<Path> written = PrometheusRuleManifests.extractDirectory(dir, out);

    assertThat(written).containsExactly(out.resolve("a.yml"), out.resolve("b.yaml"));
    assertThat(Files.readString(out.resolve("b.yaml"))).startsWith("groups:");
  }

  @Test
  @DisplayName("rules/: every plain rule file has its generated manifest, with the same groups and its name")
  void repositoryManifestsAgreeWithTheirSources() {
    Path rules = RulesDirectory.locate();
    List<Path> sources = PrometheusRuleManifests.sourcesIn(rules);

    assertThat(sources).as("plain rule files in %s/prometheus", rules).isNotEmpty();
    for (Path source : sources) {
      Path manifest = PrometheusRuleManifests.manifestOf(source);
      String fix = "run rules/generate-manifests.sh after editing " + rules.relativize(source);
      assertThat(manifest).as("the manifest of %s; %s", source, fix).isRegularFile();
      assertThat(PrometheusRuleManifests.groupsOf(manifest))
          .as("spec.groups of %s against the groups of %s; %s", manifest, source, fix)
          .isEqualTo(PrometheusRuleManifests.plainGroupsOf(source));
      assertThat(PrometheusRuleManifests.nameOf(manifest)).as("metadata.name of %s", manifest)
          .isEqualTo(manifest.getFileName().toString().replace(".yaml", ""));
    }
  }

  @Test
  @DisplayName("rules/: no manifest without a source (it would be lost at the next generation)")
  void repositoryManifestsAllHaveSources() {
    Path rules = RulesDirectory.locate();
    List<Path> generated = PrometheusRuleManifests.sourcesIn(rules).stream().map(PrometheusRuleManifests::manifestOf)
        .toList();

    assertThat(PrometheusRuleManifests.manifestsIn(rules)).map(p -> p.toAbsolutePath().normalize())
        .as("manifests in %s; write each as prometheus/<name>.rules.yml and run rules/generate-manifests.sh", rules)
        .containsExactlyInAnyOrderElementsOf(generated.stream().map(p -> p.toAbsolutePath().normalize()).toList());
  }

  @Test
  @DisplayName("a manifest whose groups differ from its source's is told apart (the agreement check can fail)")
  void differingGroupsAreSeen() throws IOException {
    Files.createDirectories(dir.resolve("prometheus"));
    Path source = Files.writeString(dir.resolve("prometheus/example.rules.yml"), """
        groups:
          - name: example
            rules:
              - record: example:ratio:rate5m
                expr: sum(rate(a[5m])) / sum(rate(b[5m]))
        """);
    write("example.yaml", MANIFEST);

    assertThat(PrometheusRuleManifests.sourcesIn(dir)).containsExactly(source);
    assertThat(PrometheusRuleManifests.manifestOf(source)).isEqualTo(dir.resolve("example.yaml").toAbsolutePath());
    assertThat(PrometheusRuleManifests.groupsOf(dir.resolve("example.yaml")))
        .isNotEqualTo(PrometheusRuleManifests.plainGroupsOf(source));
    assertThat(PrometheusRuleManifests.nameOf(dir.resolve("example.yaml"))).isEqualTo("example");
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }
}
