package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NaiveRulesTest {
  private final Path rulesDir = Path.of("..", "rules");

  @Test
  @DisplayName("reads the naive LLMD-3 rules as written in rules/tests/naive-llmd3.rules.yml")
  void naiveFile() {
    List<NaiveRules.AlertRule> rules = NaiveRules.alerts(rulesDir.resolve(NaiveRules.NAIVE_FILE));

    assertThat(rules).extracting(NaiveRules.AlertRule::alert)
        .containsExactly("NaiveModelTargetDown", "NaiveVLLMRequestFailures");
    assertThat(rules.get(0).expr()).isEqualTo("up{job=\"deepseek-r1-7b\"} == 0");
    assertThat(rules).allSatisfy(r -> assertThat(r.forDuration()).isEqualTo(Duration.ofMinutes(1)));
  }

  @Test
  @DisplayName("reads the rules of a PrometheusRule manifest (spec.groups)")
  void manifest() {
    List<NaiveRules.AlertRule> rules = NaiveRules.alerts(rulesDir.resolve(NaiveRules.AVAILABILITY_FILE));

    assertThat(rules).extracting(NaiveRules.AlertRule::alert)
        .contains("TokenLabsPodAbsent", "VLLMMetricsAbsent", "TokenLabsServiceNoEndpoints", "SLOBurnRateGatewayLayer");
    assertThat(rules).filteredOn(r -> r.alert().equals("SLOBurnRateGatewayLayer"))
        .extracting(NaiveRules.AlertRule::forDuration).containsExactly(Duration.ofMinutes(2));
  }

  @Test
  @DisplayName("a file with no alerting rule is an error naming the file")
  void noAlerts(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("empty.yml"), "groups:\n  - name: g\n    rules:\n      - record: x\n"
        + "        expr: up\n");

    assertThatThrownBy(() -> NaiveRules.alerts(file)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("no alerting rule");
  }

  @Test
  @DisplayName("a for: that is not a Prometheus duration is an error naming the rule, the file and the grammar")
  void badFor(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("bad.yml"), "groups:\n  - name: g\n    rules:\n      - alert: X\n"
        + "        expr: up == 0\n        for: 5 minutes\n");

    assertThatThrownBy(() -> NaiveRules.alerts(file)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Rule 'X' in " + file).hasMessageContaining("'5 minutes' is not a Prometheus duration")
        .hasMessageContaining("e.g. 1h30m, 90s, 500ms");
  }
}
