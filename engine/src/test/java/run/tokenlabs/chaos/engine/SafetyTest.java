package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.engine.config.ConfigLoader;
import run.tokenlabs.chaos.engine.fixtures.Experiments;
import run.tokenlabs.chaos.engine.fixtures.ForceDeleteBarePod;
import run.tokenlabs.chaos.engine.kubernetes.ClusterTargetProvider;
import run.tokenlabs.chaos.engine.testing.EngineRun;
import run.tokenlabs.chaos.engine.testing.TestKubeconfig;
import run.tokenlabs.chaos.engine.testing.World;

/** The safety rules at run level: a real cluster needs -Pchaos and an allowed context; the built-in fault end to end. */
class SafetyTest {
  @TempDir
  Path dir;
  EngineRun engine;
  TestKubeconfig kubeconfig;

  @BeforeEach
  void setUp() throws IOException {
    World.reset(dir.resolve("markers"));
    engine = new EngineRun(dir.resolve("journal"));
    kubeconfig = TestKubeconfig.install(dir, "prod", "https://127.0.0.1:1", "spark-prod");
  }

  @AfterEach
  void restore() {
    kubeconfig.close();
  }

  @Test
  @DisplayName("A cluster target without the chaos profile is refused before anything is opened")
  void clusterNeedsChaosProfile() {
    EngineExecutionResults results = engine.with("target", "cluster").with("namespaces.allowed", "token-labs")
        .with("kubernetes.allowedContexts", "spark-prod").execute(Experiments.Held.class);

    assertThat(classFailure(results)).startsWith("target 'cluster' acts on a real cluster, and this run is not armed "
        + "(tokenlabs.chaos.profile=none); run it with 'mvn -Pchaos verify'");
    assertThat(World.marker("held")).doesNotExist();
  }

  @Test
  @DisplayName("The chaos profile's property alone (-Dtokenlabs.chaos.profile=chaos, outside -Pchaos) arms nothing")
  void propertyAloneDoesNotArm() {
    EngineExecutionResults results = engine.with("target", "cluster").with("profile", "chaos")
        .with("namespaces.allowed", "token-labs").with("kubernetes.allowedContexts", "spark-prod")
        .execute(Experiments.Held.class);

    assertThat(classFailure(results)).startsWith("target 'cluster' acts on a real cluster, and this run is not armed: "
        + "tokenlabs.chaos.profile=chaos is set, but the experiments do not run inside Maven's JVM");
    assertThat(World.marker("held")).doesNotExist();
  }

  @Test
  @DisplayName("With the chaos profile, a kube context that is not allowed is refused")
  void clusterNeedsAllowedContext() {
    // a test cannot arm a run (only Maven's JVM under -Pchaos can), so this asks the cluster provider itself
    Map<String, String> props = Map.of("tokenlabs.chaos.target", "cluster", "tokenlabs.chaos.profile", "chaos",
        "tokenlabs.chaos.namespaces.allowed", "token-labs", "tokenlabs.chaos.kubernetes.allowedContexts", "spark-staging");
    ChaosConfig config = ConfigLoader.load(k -> Optional.ofNullable(props.get(k)));

    assertThatThrownBy(() -> new ClusterTargetProvider().open(config))
        .hasMessageContaining("kubernetes.allowedContexts: the kube context in use is 'spark-prod', "
        + "which is not allowed [spark-staging]");
  }

  @Test
  @DisplayName("An unknown target kind lists the available ones")
  void unknownTarget() {
    EngineExecutionResults results = engine.with("target", "staging").execute(Experiments.Held.class);

    assertThat(classFailure(results)).startsWith("target: no provider for 'staging'; available: cluster, mock");
  }

  @Test
  @DisplayName("Force-deleting a bare pod through the engine: rolled back, and the pod is there again after")
  void forceDeleteEndToEnd() {
    EngineExecutionResults results = engine.with("probeTimeout", "20s").execute(ForceDeleteBarePod.class);
    results.testEvents().assertStatistics(s -> s.succeeded(1));

    assertThat(engine.verdict()).isEqualTo(Verdict.HELD);
    assertThat(engine.journal(RollbackDone.class).get(0).rollback())
        .isEqualTo("recreate bare pod token-labs/deepseek-r1-7b-vllm-leader from its captured manifest");
  }

  private static String classFailure(EngineExecutionResults results) {
    return results.containerEvents().failed().list().get(0).getPayload(TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow().getMessage();
  }
}
