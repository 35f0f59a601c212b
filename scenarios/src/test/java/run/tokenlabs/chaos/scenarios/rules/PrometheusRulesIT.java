package run.tokenlabs.chaos.scenarios.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules in {@code rules/}: the plain rule files in {@code rules/prometheus/} pass {@code promtool
 * check rules}, and so do the manifests generated from them; {@code promtool test rules
 * tests/*.test.yml} passes when run in {@code rules/} exactly as a person runs it from a checkout; and
 * every alert has a test that makes it fire and one that keeps it silent.
 *
 * <p>The rules directory comes from the system property {@code tokenlabs.rules.dir} (set by
 * scenarios/pom.xml), else {@code ../rules} or {@code rules}.
 */
class PrometheusRulesIT {
  private static final Duration PROMTOOL_TIMEOUT = Duration.ofMinutes(3);
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  private static final YAMLMapper YAML = new YAMLMapper();

  @TempDir
  static Path extractedDir;

  private static Path rulesDir;
  private static List<Path> sources;
  private static Promtool promtool;

  @BeforeAll
  static void locate() {
    rulesDir = RulesDirectory.locate();
    promtool = Promtool.locate(PROMTOOL_TIMEOUT);
    sources = PrometheusRuleManifests.sourcesIn(rulesDir);
  }

  @Test
  @DisplayName("every plain rule file (and every rule file of the tests) passes promtool check rules")
  void sourcesPassPromtoolCheck() {
    assertThat(sources).as("plain rule files in %s/prometheus", rulesDir).isNotEmpty();
    List<Path> ruleFiles = new ArrayList<>(sources);
    ruleFiles.addAll(filesIn(rulesDir.resolve("tests"), ".rules.yml"));

    Promtool.Result result = promtool.checkRules(rulesDir, ruleFiles);

    assertThat(result.succeeded()).as("promtool check rules failed:\n%s", result.describe()).isTrue();
  }

  @Test
  @DisplayName("the manifests' spec.groups, extracted, pass promtool check rules too")
  void manifestsPassPromtoolCheck() {
    List<Path> extracted = PrometheusRuleManifests.extractDirectory(rulesDir, extractedDir);
    assertThat(extracted).as("PrometheusRule manifests in %s", rulesDir).isNotEmpty();

    Promtool.Result result = promtool.checkRules(extractedDir, extracted);

    assertThat(result.succeeded()).as("promtool check rules failed:\n%s", result.describe()).isTrue();
  }

  @Test
  @DisplayName("cd rules && promtool test rules tests/*.test.yml passes, run as is from the checkout")
  void promtoolUnitTestsPass() {
    List<Path> tests = filesIn(rulesDir.resolve("tests"), ".test.yml").stream()
        .map(f -> rulesDir.relativize(f)).toList();
    assertThat(tests).as("promtool test files (*.test.yml) in %s", rulesDir.resolve("tests")).isNotEmpty();

    Promtool.Result result = promtool.testRules(rulesDir, tests);

    assertThat(result.succeeded()).as("promtool test rules failed (run in %s):\n%s", rulesDir, result.describe())
        .isTrue();
  }

  @Test
  @DisplayName("every alert has a test where it fires and a test where it stays silent")
  void everyAlertIsTestedBothWays() throws IOException {
    Set<String> firing = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (JsonNode check : alertRuleTests()) {
      (check.path("exp_alerts").isEmpty() ? silent : firing).add(check.path("alertname").asText());
    }

    for (String alert : alertNames()) {
      assertThat(firing).as("alert %s needs a promtool test in rules/tests where it fires (non-empty exp_alerts)",
          alert).contains(alert);
      assertThat(silent).as("alert %s needs a promtool test in rules/tests where it stays silent (exp_alerts: [])",
          alert).contains(alert);
    }
  }

  @Test
  @DisplayName("every recording rule is checked by a promql_expr_test")
  void everyRecordingRuleIsTested() throws IOException {
    List<String> exprs = new ArrayList<>();
    for (JsonNode test : promtoolTests()) {
      test.path("promql_expr_test").forEach(t -> exprs.add(t.path("expr").asText()));
    }
    for (JsonNode rule : rules()) {
      String record = rule.path("record").asText("");
      if (!record.isEmpty()) {
        assertThat(exprs).as("recording rule %s needs a promql_expr_test in rules/tests", record)
            .anySatisfy(e -> assertThat(e).containsPattern(java.util.regex.Pattern.quote(record) + "(?![\\w:])"));
      }
    }
  }

  @Test
  @DisplayName("every alert has for, a known severity, and summary, description and runbook annotations")
  void everyAlertIsComplete() throws IOException {
    TreeMap<String, List<String>> problems = new TreeMap<>();
    for (JsonNode rule : rules()) {
      if (!rule.has("alert")) {
        continue;
      }
      List<String> missing = new ArrayList<>();
      if (rule.path("for").asText("").isBlank()) {
        missing.add("for");
      }
      if (!SEVERITIES.contains(rule.path("labels").path("severity").asText(""))) {
        missing.add("labels.severity (one of " + SEVERITIES + ")");
      }
      for (String annotation : List.of("summary", "description", "runbook")) {
        if (rule.path("annotations").path(annotation).asText("").isBlank()) {
          missing.add("annotations." + annotation);
        }
      }
      if (!missing.isEmpty()) {
        problems.computeIfAbsent(rule.path("alert").asText(), k -> new ArrayList<>()).addAll(missing);
      }
    }
    assertThat(problems).as("alerts missing required fields").isEmpty();
  }

  private static List<Path> filesIn(Path dir, String suffix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      return fail("could not list " + dir, e);
    }
  }

  private static Set<String> alertNames() throws IOException {
    Set<String> names = new TreeSet<>();
    for (JsonNode rule : rules()) {
      if (rule.has("alert")) {
        names.add(rule.path("alert").asText());
      }
    }
    assertThat(names).as("alerts in the plain rule files of %s", rulesDir.resolve("prometheus")).isNotEmpty();
    return names;
  }

  private static List<JsonNode> rules() throws IOException {
    List<JsonNode> rules = new ArrayList<>();
    for (Path file : sources) {
      for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
        group.path("rules").forEach(rules::add);
      }
    }
    return rules;
  }

  private static List<JsonNode> promtoolTests() throws IOException {
    List<JsonNode> tests = new ArrayList<>();
    for (Path file : filesIn(rulesDir.resolve("tests"), ".test.yml")) {
      YAML.readTree(file.toFile()).path("tests").forEach(tests::add);
    }
    return tests;
  }

  private static List<JsonNode> alertRuleTests() throws IOException {
    List<JsonNode> checks = new ArrayList<>();
    for (JsonNode test : promtoolTests()) {
      test.path("alert_rule_test").forEach(checks::add);
    }
    return checks;
  }
}
