package run.tokenlabs.chaos.lab.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleTranslatorTest {
  private static final String MANIFEST = """
      apiVersion: monitoring.coreos.com/v1
      kind: PrometheusRule
      metadata: {name: slo, namespace: monitoring}
      spec:
        groups:
          - name: slo
            interval: 30s
            rules:
              - alert: PodAbsent
                expr: absent(up{job="deepseek-r1-7b"})
                for: 1m
                keep_firing_for: 30s
              - record: job:up:sum
                expr: sum by (job) (up)
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: not-rules}
      """;

  @Test
  void liftsGroupsScalesForAndDropsInterval() throws Exception {
    JsonNode groups = new RuleTranslator(1.0 / 15).translate(MANIFEST, "slo.yaml");
    assertThat(groups).hasSize(1);
    JsonNode alert = groups.get(0).path("rules").get(0);
    assertThat(alert.path("for").asText()).isEqualTo("4s");
    assertThat(alert.path("keep_firing_for").asText()).isEqualTo("2s");
    assertThat(groups.get(0).has("interval")).isFalse();
    assertThat(groups.get(0).path("rules").get(1).has("for")).isFalse();
  }

  @Test
  void writtenFileIsAcceptedByPromtool(@TempDir Path dir) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.writeString(in.resolve("slo.yaml"), MANIFEST);
    List<Path> out = new RuleTranslator(0.1).translateDirectory(in, dir.resolve("out"));
    assertThat(out).hasSize(1);
    assertThat(new ObjectMapper().readTree(out.get(0).toFile()).at("/groups/0/rules/0/for").asText()).isEqualTo("6s");

    Assumptions.assumeTrue(PrometheusServer.findOnPath("promtool").isPresent(), "promtool not on PATH");
    Process p = new ProcessBuilder(PrometheusServer.findOnPath("promtool").get().toString(), "check", "rules",
        out.get(0).toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
  }

  @Test
  void durations() {
    assertThat(PromDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(PromDurations.scale("90s", 0.5)).isEqualTo("45s");
    assertThat(PromDurations.scale("1s", 0.25)).isEqualTo("250ms");
    assertThatThrownBy(() -> PromDurations.parse("5 minutes")).hasMessageContaining("expected e.g. 1m");
  }

  @Test
  void manifestWithoutGroupsIsRefusedWithTheFix() {
    assertThatThrownBy(() -> new RuleTranslator(1).translate("kind: PrometheusRule\nspec: {}\n", "x.yaml"))
        .hasMessageContaining("x.yaml").hasMessageContaining("spec.groups");
  }
}
