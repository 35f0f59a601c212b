package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.EvidenceRecorded;
import run.tokenlabs.chaos.api.event.FaultPrepared;
import run.tokenlabs.chaos.api.event.HypothesisChecked;
import run.tokenlabs.chaos.api.event.KeyNumberRecorded;
import run.tokenlabs.chaos.api.event.VerdictReached;
import run.tokenlabs.chaos.engine.fixtures.ActionExperiments;
import run.tokenlabs.chaos.engine.testing.EngineRun;

/**
 * A dry run is dry end to end: actions on the target that are not faults (loads, probes that write)
 * announce themselves through {@code TargetActions} and are stopped there, and no key number of a
 * dry run is journaled as measured.
 */
class DryRunActionsTest {
  private static final String STOPPED = "ABORTED: dry run: would " + ActionExperiments.PLAN + "; nothing was sent";
  @TempDir
  Path dir;
  EngineRun engine;

  @BeforeEach
  void reset() {
    ActionExperiments.SENT.set(0);
    engine = new EngineRun(dir.resolve("journal"));
  }

  @Test
  @DisplayName("Dry run: an experiment that only loads sends nothing, journals the plan and ends ABORTED")
  void loadOnlyExperimentSendsNothing() {
    EngineExecutionResults results = engine.with("dryRun", "true").execute(ActionExperiments.LoadsOnly.class);

    results.testEvents().assertStatistics(s -> s.aborted(1).failed(0).succeeded(0));
    assertThat(ActionExperiments.SENT).hasValue(0);
    assertThat(abortMessage(results)).isEqualTo(STOPPED);
    assertThat(engine.journal(FaultPrepared.class)).singleElement().satisfies(plan -> {
      assertThat(plan.dryRun()).isTrue();
      assertThat(plan.fault()).isEqualTo(ActionExperiments.PLAN);
      assertThat(plan.rollback()).isEqualTo(ExperimentRun.NOTHING_TO_UNDO);
      assertThat(plan.namespaces()).isEmpty();
    });
    assertThat(engine.journal(KeyNumberRecorded.class)).isEmpty();
    assertThat(engine.verdict()).isEqualTo(Verdict.ABORTED);
    assertThat(ActiveExperiment.current()).as("the experiment is no longer current once it ended").isEmpty();
  }

  @Test
  @DisplayName("Dry run: a load stopped on a pool thread still ends the experiment ABORTED, not ERROR")
  void loadOnAPoolThreadIsStoppedToo() {
    EngineExecutionResults results = engine.with("dryRun", "true").execute(ActionExperiments.LoadsOnAPool.class);

    results.testEvents().assertStatistics(s -> s.aborted(1).failed(0));
    assertThat(ActionExperiments.SENT).hasValue(0);
    assertThat(abortMessage(results)).isEqualTo(STOPPED);
    assertThat(engine.journal(VerdictReached.class)).singleElement()
        .satisfies(v -> assertThat(v.verdict()).isEqualTo(Verdict.ABORTED));
  }

  @Test
  @DisplayName("Dry run: a steady-state probe that sends is stopped before it sends; the body never runs")
  void probeThatSendsIsStopped() {
    EngineExecutionResults results = engine.with("dryRun", "true").execute(ActionExperiments.SteadyStateSends.class);

    results.testEvents().assertStatistics(s -> s.aborted(1).failed(0));
    assertThat(ActionExperiments.SENT).hasValue(0);
    assertThat(abortMessage(results)).isEqualTo(STOPPED);
    assertThat(engine.journal(HypothesisChecked.class)).isEmpty();
    assertThat(engine.journal(FaultPrepared.class)).singleElement()
        .satisfies(plan -> assertThat(plan.fault()).isEqualTo(ActionExperiments.PLAN));
    assertThat(engine.journal(KeyNumberRecorded.class)).isEmpty();
  }

  @Test
  @DisplayName("Dry run: a key number is journaled as not measured, without its value, never as KeyNumberRecorded")
  void keyNumberOfADryRunIsNotAMeasurement() {
    engine.with("dryRun", "true").execute(ActionExperiments.RecordsOnly.class);

    assertThat(engine.journal(KeyNumberRecorded.class)).isEmpty();
    assertThat(engine.journal(EvidenceRecorded.class)).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo(ExperimentRun.DRY_RUN_KEY_NUMBER);
      assertThat(e.content()).contains("'families reachable'").doesNotContain("42");
    });
  }

  @Test
  @DisplayName("Outside a dry run the announced actions are taken and their key numbers recorded")
  void outsideADryRunActionsPass() {
    EngineExecutionResults results = engine.execute(ActionExperiments.LoadsOnly.class,
        ActionExperiments.SteadyStateSends.class);

    results.testEvents().assertStatistics(s -> s.succeeded(2).aborted(0).failed(0));
    assertThat(ActionExperiments.SENT).hasValue(2);
    assertThat(engine.journal(FaultPrepared.class)).isEmpty();
    assertThat(engine.journal(KeyNumberRecorded.class)).extracting(k -> k.keyNumber().name())
        .containsExactlyInAnyOrder("requests sent", "body ran");
  }

  @Test
  @DisplayName("Outside any experiment (a load test, a benchmark) an announced action passes")
  void noExperimentNoGate() {
    assertThat(ActiveExperiment.current()).isEmpty();
    run.tokenlabs.chaos.api.TargetActions.announce("a benchmark's load");
  }

  private static String abortMessage(EngineExecutionResults results) {
    return results.testEvents().aborted().list().get(0).getPayload(TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow().getMessage();
  }
}
