package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.spi.ChaosEvent.EventType;
import run.tokenlabs.chaos.engine.fixtures.Experiments;
import run.tokenlabs.chaos.engine.testing.EngineRun;
import run.tokenlabs.chaos.engine.testing.MarkerFileFault;
import run.tokenlabs.chaos.engine.testing.RecordingListener;
import run.tokenlabs.chaos.engine.testing.World;

/** Every verdict path of DESIGN section 4, run through the real JUnit Platform. */
class ExperimentLifecycleTest {
  @TempDir
  Path dir;
  EngineRun engine;

  @BeforeEach
  void resetWorld() {
    World.reset(dir.resolve("markers"));
    engine = new EngineRun(dir.resolve("journal"));
  }

  @Test
  @DisplayName("HELD: the fault is active in the body, rolled back after, and the test passes")
  void held() {
    EngineExecutionResults results = engine.execute(Experiments.Held.class);

    results.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0).aborted(0));
    assertThat(engine.verdict()).isEqualTo("HELD");
    assertThat(World.marker("held")).doesNotExist();
    assertThat(engine.journal("ROLLBACK_DONE")).singleElement()
        .satisfies(e -> assertThat(e.path("data").path("source").asText()).isEqualTo("experiment"));
    assertThat(engine.journal("HYPOTHESIS_CHECKED")).extracting(e -> e.path("data").path("phase").asText())
        .containsExactly("before", "after");
  }

  @Test
  @DisplayName("The journal records every step in order, and listeners get the same events")
  void journalOrderAndListeners() {
    engine.execute(Experiments.Held.class);

    List<String> types = engine.journal().stream().map(e -> e.path("type").asText()).toList();
    assertThat(types).containsExactly("RUN_STARTED", "EXPERIMENT_STARTED", "HYPOTHESIS_CHECKED", "FAULT_INJECTED",
        "FINDING", "KEY_NUMBER", "ROLLBACK_DONE", "HYPOTHESIS_CHECKED", "VERDICT", "RUN_FINISHED");
    assertThat(RecordingListener.EVENTS).extracting(e -> e.type().name()).containsExactlyElementsOf(types);
    JsonNode check = engine.journal("HYPOTHESIS_CHECKED").get(0).path("data").path("checks").get(0);
    assertThat(check.path("probe").asText()).isEqualTo("gateway error ratio");
    assertThat(check.path("tolerance").asText()).isEqualTo("<= 0.01");
    assertThat(check.path("reading").asText()).isEqualTo("0.0");
    JsonNode keyNumber = engine.journal("KEY_NUMBER").get(0).path("data");
    assertThat(keyNumber.path("value").asDouble()).isEqualTo(1.5);
    assertThat(keyNumber.path("unit").asText()).isEqualTo("s");
    assertThat(engine.journal().stream().map(e -> e.path("runId").asText()).distinct()).hasSize(1);
  }

  @Test
  @DisplayName("DEVIATED: a failed observation fails the test, and the rollback still runs")
  void deviatedInBody() {
    EngineExecutionResults results = engine.execute(Experiments.BodyDeviates.class);

    results.testEvents().assertThatEvents().haveExactly(1,
        finishedWithFailure(instanceOf(AssertionError.class), message(m -> m.contains("did not fire"))));
    assertThat(engine.verdict()).isEqualTo("DEVIATED");
    assertThat(World.marker("deviates")).doesNotExist();
  }

  @Test
  @DisplayName("DEVIATED: a steady state that does not come back within recovery names the check")
  void deviatedNoRecovery() {
    EngineExecutionResults results = engine.execute(Experiments.NoRecovery.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(instanceOf(AssertionError.class),
        message("Steady state 'gateway serves' did not recover within 1 s after rollback: "
            + "gateway error ratio: expected <= 0.01, saw 0.5")));
    assertThat(engine.verdict()).isEqualTo("DEVIATED");
    assertThat(World.marker("norecovery")).doesNotExist();
  }

  @Test
  @DisplayName("ABORTED: steady state not met before means skipped, and nothing is injected")
  void abortedBeforeFault() {
    World.ERROR_RATIO.set(Reading.of(0.2));

    EngineExecutionResults results = engine.execute(Experiments.NotSteadyBefore.class);

    results.testEvents().assertStatistics(s -> s.aborted(1).failed(0).succeeded(0));
    assertThat(abortMessage(results)).isEqualTo("ABORTED: steady state 'gateway serves' not met before the fault, "
        + "nothing injected: gateway error ratio: expected <= 0.01, saw 0.2");
    assertThat(engine.verdict()).isEqualTo("ABORTED");
    assertThat(engine.journal("FAULT_INJECTED")).isEmpty();
    assertThat(MarkerFileFault.UNDONE).isEmpty();
  }

  @Test
  @DisplayName("No data is never 0: a vanished series does not satisfy '<= 0.01'")
  void noDataIsNotZero() {
    World.ERROR_RATIO.set(Reading.noData("empty vector"));

    EngineExecutionResults results = engine.execute(Experiments.NotSteadyBefore.class);

    assertThat(abortMessage(results)).endsWith("gateway error ratio: expected <= 0.01, saw no data (empty vector)");
  }

  @Test
  @DisplayName("BLOCKED: an absent capability skips with its reason, before the steady state")
  void blocked() {
    World.capabilityPresent = false;

    EngineExecutionResults results = engine.execute(Experiments.Blocked.class);

    results.testEvents().assertStatistics(s -> s.aborted(1).failed(0));
    assertThat(abortMessage(results)).isEqualTo(
        "BLOCKED: NVLink metrics absent: DCGM exposes no NVLink fields on this node: hardware limitation");
    assertThat(engine.verdict()).isEqualTo("BLOCKED");
    assertThat(engine.journal("HYPOTHESIS_CHECKED")).isEmpty();
  }

  @Test
  @DisplayName("A present capability lets the experiment run")
  void capabilityPresent() {
    engine.execute(Experiments.Blocked.class).testEvents().assertStatistics(s -> s.succeeded(1));
    assertThat(engine.journal("CAPABILITY_CHECKED").get(0).path("data").path("present").asBoolean()).isTrue();
  }

  @Test
  @DisplayName("ERROR: an unreachable probe is neither HELD nor DEVIATED, and nothing is injected")
  void probeUnreachable() {
    World.unreachable = true;

    EngineExecutionResults results = engine.execute(Experiments.ProbeError.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(instanceOf(ProbeException.class),
        message(m -> m.contains("could not be checked before the fault") && m.contains("refused the connection"))));
    assertThat(engine.verdict()).isEqualTo("ERROR");
    assertThat(engine.journal("FAULT_INJECTED")).isEmpty();
  }

  @Test
  @DisplayName("ERROR: a probe that hangs is cut off at probeTimeout")
  void probeTimeout() {
    World.hangs = true;

    EngineExecutionResults results = engine.with("probeTimeout", "300ms").execute(Experiments.ProbeError.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(instanceOf(ProbeException.class),
        message(m -> m.contains("did not answer within 0 s (probeTimeout)"))));
    assertThat(engine.verdict()).isEqualTo("ERROR");
  }

  @Test
  @DisplayName("ERROR: an exception in the body is broken, not a finding, and the rollback runs")
  void bodyThrows() {
    EngineExecutionResults results = engine.execute(Experiments.BodyThrows.class);

    results.testEvents().assertThatEvents().haveExactly(1,
        finishedWithFailure(instanceOf(IllegalStateException.class)));
    assertThat(engine.verdict()).isEqualTo("ERROR");
    assertThat(World.marker("throws")).doesNotExist();
  }

  @Test
  @DisplayName("A JUnit timeout still rolls back")
  void timeoutRollsBack() {
    engine.execute(Experiments.TimesOut.class).testEvents().assertStatistics(s -> s.failed(1));

    assertThat(World.marker("timeout")).doesNotExist();
    assertThat(MarkerFileFault.UNDONE).hasSize(1);
  }

  @Test
  @DisplayName("A guard breach halts at once: rollback from the guard, DEVIATED naming guard, limit and value")
  void guardHalts() {
    long start = System.nanoTime();
    EngineExecutionResults results = engine.execute(Experiments.GuardHalts.class);
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(instanceOf(AssertionError.class),
        message("Guard 'error budget' breached: gateway error ratio expected <= 0.1, saw 0.25; "
            + "the fault was halted and rolled back at once")));
    assertThat(engine.verdict()).isEqualTo("DEVIATED");
    assertThat(World.marker("guard")).doesNotExist();
    assertThat(engine.journal("ROLLBACK_DONE")).singleElement()
        .satisfies(e -> assertThat(e.path("data").path("source").asText()).isEqualTo("guard-halt"));
    assertThat(engine.journal("GUARD_BREACHED")).singleElement()
        .satisfies(e -> assertThat(e.path("data").path("reading").asText()).isEqualTo("0.25"));
    // the body sleeps 30 s; being interrupted is the point, so the run must end long before that
    assertThat(elapsedMillis).isLessThan(25_000);
  }

  @Test
  @DisplayName("Rollbacks run newest first")
  void lifo() {
    engine.execute(Experiments.TwoFaults.class);

    assertThat(MarkerFileFault.UNDONE).extracting(p -> Path.of(p).getFileName().toString())
        .containsExactly("second", "first");
  }

  @Test
  @DisplayName("Dry run journals the fault it would inject, prints it, and acts on nothing")
  void dryRun() {
    EngineExecutionResults results = engine.with("dryRun", "true").execute(Experiments.Held.class);

    results.testEvents().assertStatistics(s -> s.aborted(1).failed(0).succeeded(0));
    assertThat(abortMessage(results)).isEqualTo("ABORTED: dry run: would inject 'create marker held' "
        + "(rollback: 'delete marker held'); no action taken");
    assertThat(World.marker("held")).doesNotExist();
    assertThat(Files.exists(World.markerDir)).isFalse();
    assertThat(engine.journal("FAULT_INJECTED")).singleElement()
        .satisfies(e -> assertThat(e.path("data").path("dryRun").asBoolean()).isTrue());
    assertThat(MarkerFileFault.UNDONE).isEmpty();
    assertThat(engine.journal("RUN_STARTED").get(0).path("data").path("dryRun").asBoolean()).isTrue();
  }

  @Test
  @DisplayName("Safety: a namespace outside namespaces.allowed is refused before anything is read or changed")
  void namespaceNotAllowed() {
    EngineExecutionResults results = engine.execute(Experiments.OutsideAllowedNamespace.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(message(
        "Refused: fault 'force-delete one pod matching app=anything in scratch (grace period 0)' would act in "
            + "namespace 'scratch', which is not in namespaces.allowed [token-labs]; add it there if it is meant")));
    assertThat(engine.verdict()).isEqualTo("ERROR");
  }

  @Test
  @DisplayName("Safety: an allowed but unlabelled namespace is refused, naming the label to add")
  void namespaceUnlabelled() {
    EngineExecutionResults results = engine.with("namespaces.allowed", "token-labs,scratch")
        .execute(Experiments.OutsideAllowedNamespace.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(message(m -> m.contains(
        "namespace 'scratch' is not labelled for chaos; label it with 'kubectl label namespace scratch "
            + "tokenlabs.run/chaos=allowed'"))));
  }

  @Test
  @DisplayName("Safety: kube-system is refused even by a fault that names it directly")
  void kubeSystemRefused() {
    engine.execute(Experiments.InKubeSystem.class).testEvents().assertThatEvents().haveExactly(1,
        finishedWithFailure(message(m -> m.contains("would act in kube-system, which is never a chaos target"))));
  }

  private static String abortMessage(EngineExecutionResults results) {
    Event aborted = results.testEvents().aborted().list().get(0);
    return aborted.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow().getMessage();
  }
}
