package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.VerdictReached;
import run.tokenlabs.chaos.engine.fixtures.BlastRadiusExperiments;
import run.tokenlabs.chaos.engine.kubernetes.KubernetesCallRefusedException;
import run.tokenlabs.chaos.engine.testing.EngineRun;
import run.tokenlabs.chaos.engine.testing.World;

/**
 * The blast radius the engine enforces on the client it hands out, whatever a fault declares: runs
 * on the mock cluster (token-labs labelled and allowed, scratch neither, kube-system never).
 */
class BlastRadiusTest {
  @TempDir
  Path dir;
  EngineRun engine;

  @BeforeEach
  void setUp() {
    World.reset(dir.resolve("markers"));
    engine = new EngineRun(dir.resolve("journal"));
  }

  @Test
  @DisplayName("A custom fault that declares no namespace cannot delete kube-system/coredns-0: ERROR, the pod stays")
  void undeclaredFaultInKubeSystem() {
    EngineExecutionResults results = engine.execute(BlastRadiusExperiments.UndeclaredKubeSystem.class);

    assertThat(engine.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(refusal(results)).hasMessageContaining("DELETE /api/v1/namespaces/kube-system/pods/coredns-0 was not sent")
        .hasMessageContaining("'kube-system', which is never a chaos target");
    assertThat(pod("kube-system", "coredns-0")).isTrue();
  }

  @Test
  @DisplayName("A fault that declares token-labs and deletes in another namespace is refused by what it sends")
  void faultActsOutsideWhatItDeclares() {
    EngineExecutionResults results = engine.execute(BlastRadiusExperiments.DeclaresOneActsElsewhere.class);

    assertThat(engine.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(refusal(results)).hasMessageContaining("DELETE /api/v1/namespaces/scratch/pods/tmp-0")
        .hasMessageContaining("namespace 'scratch', which is not in namespaces.allowed [token-labs, gpu-operator]");
    assertThat(pod("scratch", "tmp-0")).isTrue();
  }

  @Test
  @DisplayName("The chaos label removed between prepare and act stops the act: the label is read at call time")
  void labelRemovedBetweenPrepareAndAct() {
    EngineExecutionResults results = engine.execute(BlastRadiusExperiments.LabelRemovedBeforeAct.class);

    assertThat(engine.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(refusal(results)).hasMessageContaining("namespace 'token-labs' is not labelled for chaos now");
    assertThat(pod("token-labs", "llama-0")).isTrue();
  }

  @Test
  @DisplayName("One pod more than kubernetes.maxPodsPerRun in one run: the last deletion is refused, the others happen")
  void podBudget() {
    EngineExecutionResults results = engine.with("kubernetes.maxPodsPerRun", "3")
        .execute(BlastRadiusExperiments.OnePodTooMany.class);

    assertThat(engine.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(refusal(results)).hasMessageContaining("DELETE /api/v1/namespaces/token-labs/pods/llama-3")
        .hasMessageContaining("already disturbed 3 pods [token-labs/llama-0, token-labs/llama-1, token-labs/llama-2], "
            + "the most kubernetes.maxPodsPerRun (3) allows");
    assertThat(List.of(pod("token-labs", "llama-0"), pod("token-labs", "llama-1"), pod("token-labs", "llama-2"),
        pod("token-labs", "llama-3"))).containsExactly(false, false, false, true);
  }

  @Test
  @DisplayName("The experiment's own Target.kubernetes() client is guarded too")
  void rawTargetClient() {
    EngineExecutionResults results = engine.execute(BlastRadiusExperiments.RawClientDelete.class);

    assertThat(engine.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(refusal(results)).hasMessageContaining("DELETE /api/v1/namespaces/scratch/pods/tmp-0");
    assertThat(pod("scratch", "tmp-0")).isTrue();
  }

  @Test
  @DisplayName("An experiment that catches the refusal still ends as ERROR, never HELD")
  void swallowedRefusal() {
    EngineExecutionResults results = engine.execute(BlastRadiusExperiments.RefusalSwallowed.class);

    assertThat(engine.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(engine.journal(VerdictReached.class).get(0).message()).contains("Refused by the blast radius");
    assertThat(failure(results)).isInstanceOf(KubernetesCallRefusedException.class);
    assertThat(pod("kube-system", "coredns-0")).isTrue();
  }

  @Test
  @DisplayName("Reads anywhere and deletions in an allowed, labelled namespace pass the guard")
  void allowedCallsPass() {
    EngineExecutionResults results = engine.execute(BlastRadiusExperiments.ReadsAndAllowedChanges.class);

    results.testEvents().assertStatistics(s -> s.succeeded(1));
    assertThat(engine.verdict()).isEqualTo(Verdict.HELD);
    assertThat(pod("token-labs", "llama-0")).isFalse();
  }

  private static boolean pod(String ns, String name) {
    return BlastRadiusExperiments.SURVIVORS.contains(ns + "/" + name);
  }

  private static Throwable failure(EngineExecutionResults results) {
    return results.testEvents().failed().list().get(0).getPayload(TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow();
  }

  /** The refusal in the failure's cause chain (a fault's is wrapped in the engine's FaultException). */
  private static KubernetesCallRefusedException refusal(EngineExecutionResults results) {
    for (Throwable t = failure(results); t != null; t = t.getCause()) {
      if (t instanceof KubernetesCallRefusedException refused) {
        return refused;
      }
    }
    throw new AssertionError("no KubernetesCallRefusedException in " + failure(results));
  }
}
