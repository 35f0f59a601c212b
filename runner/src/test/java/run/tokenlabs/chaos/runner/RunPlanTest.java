package run.tokenlabs.chaos.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's arming rules: only {@code --arm} arms it, and only for a cluster configuration. */
class RunPlanTest {
  private static final Function<String, Optional<String>> NO_PROPERTIES = key -> Optional.empty();
  @TempDir
  Path dir;

  @Test
  @DisplayName("a cluster configuration without --arm is refused before anything runs, naming --arm")
  void clusterNeedsArm() throws IOException {
    Path config = cluster();

    assertThatThrownBy(() -> RunPlan.of(RunnerOptions.parse("--config", config.toString()), NO_PROPERTIES))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("target 'cluster' acts on a real cluster, and the runner was not armed")
        .hasMessageContaining("add --arm");
  }

  @Test
  @DisplayName("a stray -Dtokenlabs.chaos.profile=chaos arms nothing: the runner tells the engine profile none")
  void strayPropertyArmsNothing() throws IOException {
    Path config = cluster();
    Function<String, Optional<String>> stray = key -> Optional.ofNullable(
        Map.of("tokenlabs.chaos.profile", "chaos").get(key));

    assertThatThrownBy(() -> RunPlan.of(RunnerOptions.parse("--config", config.toString()), stray))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("the runner was not armed");
    RunPlan lab = RunPlan.of(RunnerOptions.parse(), stray);
    assertThat(lab.parameters()).containsEntry(RunPlan.PROFILE, "none");
    assertThat(lab.config().chaosProfileActive()).isFalse();
  }

  @Test
  @DisplayName("--arm with a cluster configuration sets the chaos profile for the engine")
  void armedCluster() throws IOException {
    Path config = cluster();

    RunPlan plan = RunPlan.of(RunnerOptions.parse("--config", config.toString(), "--arm", "--dry-run", "--output",
        dir.resolve("out").toString()), NO_PROPERTIES);

    assertThat(plan.config().target()).isEqualTo("cluster");
    assertThat(plan.config().chaosProfileActive()).isTrue();
    assertThat(plan.config().dryRun()).isTrue();
    assertThat(plan.parameters()).containsEntry("tokenlabs.chaos.config", config.toAbsolutePath().toString());
    // no journal.dir configured: the journal goes under --output
    assertThat(plan.config().journalDir()).isEqualTo(dir.resolve("out").toAbsolutePath().resolve("chaos-journal"));
  }

  @Test
  @DisplayName("--arm for the lab is a usage error: the lab needs no arming, and an armed lab run hides a mistake")
  void armWithoutClusterRefused() throws IOException {
    Path lab = Files.writeString(dir.resolve("lab.yaml"), "target: lab\n");

    assertThatThrownBy(() -> RunPlan.of(RunnerOptions.parse("--arm"), NO_PROPERTIES))
        .isInstanceOf(UsageException.class).hasMessageContaining("the target is the lab (no --config)");
    assertThatThrownBy(() -> RunPlan.of(RunnerOptions.parse("--arm", "--config", lab.toString()), NO_PROPERTIES))
        .isInstanceOf(UsageException.class).hasMessageContaining("says target: lab");
  }

  @Test
  @DisplayName("a missing or invalid configuration is a usage error with the engine's reason")
  void badConfiguration() throws IOException {
    assertThatThrownBy(() -> RunPlan.of(RunnerOptions.parse("--config", dir.resolve("nope.yaml").toString()),
        NO_PROPERTIES)).isInstanceOf(UsageException.class).hasMessageContaining("nope.yaml: no such file");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "target: lab\nrecoveryTimeout: soon\n");
    assertThatThrownBy(() -> RunPlan.of(RunnerOptions.parse("--config", bad.toString()), NO_PROPERTIES))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("the configuration cannot run")
        .hasMessageContaining("recoveryTimeout");
  }

  private Path cluster() throws IOException {
    return Files.writeString(dir.resolve("cluster.yaml"), """
        target: cluster
        kubernetes:
          allowedContexts: [in-cluster]
        namespaces:
          allowed: [token-labs]
        """);
  }
}
