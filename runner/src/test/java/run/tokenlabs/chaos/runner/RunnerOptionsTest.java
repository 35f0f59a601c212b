package run.tokenlabs.chaos.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {

  @Test
  @DisplayName("every option parsed; ids and tags repeat or come comma-separated")
  void parsesEveryOption() {
    RunnerOptions options = RunnerOptions.parse("--config", "cluster.yaml", "--experiment", "LLMD-3,DCGM-1",
        "--experiment", "LLMD-1", "--tag", "slow", "--exclude-tag", "flaky", "--dry-run", "--output", "out", "--arm");

    assertThat(options.config()).contains(Path.of("cluster.yaml"));
    assertThat(options.experimentIds()).containsExactly("LLMD-3", "DCGM-1", "LLMD-1");
    assertThat(options.tags()).containsExactly("slow");
    assertThat(options.excludedTags()).containsExactly("flaky");
    assertThat(options.dryRun()).isTrue();
    assertThat(options.arm()).isTrue();
    assertThat(options.output()).isEqualTo(Path.of("out"));
  }

  @Test
  @DisplayName("by default: the lab, every experiment but the deviates-by-design variants, not armed, not dry")
  void defaults() {
    RunnerOptions options = RunnerOptions.parse();

    assertThat(options.config()).isEqualTo(Optional.empty());
    assertThat(options.excludedTags()).isEqualTo(List.of(RunnerOptions.DEVIATES_BY_DESIGN));
    assertThat(options.arm()).isFalse();
    assertThat(options.dryRun()).isFalse();
    assertThat(options.output()).isEqualTo(RunnerOptions.DEFAULT_OUTPUT);
    assertThat(RunnerOptions.parse("--exclude-tag", "none").excludedTags()).isEmpty();
  }

  @Test
  @DisplayName("an unknown argument or a missing value is a usage error naming it")
  void usageErrors() {
    assertThatThrownBy(() -> RunnerOptions.parse("--arm=yes")).isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown argument '--arm=yes'");
    assertThatThrownBy(() -> RunnerOptions.parse("--config")).isInstanceOf(UsageException.class)
        .hasMessageContaining("--config needs a value, e.g. --config cluster.yaml");
    assertThatThrownBy(() -> RunnerOptions.parse("--experiment", "--arm")).isInstanceOf(UsageException.class)
        .hasMessageContaining("--experiment needs a value");
    assertThatThrownBy(() -> RunnerOptions.parse("--tag", ",")).isInstanceOf(UsageException.class)
        .hasMessageContaining("an empty list");
  }
}
