package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.CapabilityChecked;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.EvidenceRecorded;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.FaultActed;
import run.tokenlabs.chaos.api.event.FaultPrepared;
import run.tokenlabs.chaos.api.event.FindingRecorded;
import run.tokenlabs.chaos.api.event.GuardBreached;
import run.tokenlabs.chaos.api.event.HypothesisChecked.Phase;
import run.tokenlabs.chaos.api.event.HypothesisChecked;
import run.tokenlabs.chaos.api.event.KeyNumberRecorded;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RollbackSource;
import run.tokenlabs.chaos.api.event.RunFinished;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.api.event.VerdictReached;
import run.tokenlabs.chaos.engine.fixtures.Experiments;
import run.tokenlabs.chaos.engine.testing.EngineRun;
import run.tokenlabs.chaos.engine.testing.MarkerFileFault;
import run.tokenlabs.chaos.engine.testing.RecordingListener;
import run.tokenlabs.chaos.engine.testing.World;

/** Every verdict path of the experiment lifecycle, run through the real JUnit Platform. */
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
    assertThat(engine.verdict()).isEqualTo(Verdict.HELD);
    assertThat(World.marker("held")).doesNotExist();
    assertThat(engine.journal(RollbackDone.class)).singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo(RollbackSource.EXPERIMENT));
    assertThat(engine.journal(HypothesisChecked.class)).extracting(HypothesisChecked::phase)
        .containsExactly(Phase.BEFORE, Phase.AFTER);
  }

  @Test
  @DisplayName("The journal records every step in order, and listeners get the same events")
  void journalOrderAndListeners() {
    engine.execute(Experiments.Held.class);

    List<ChaosEvent> journal = engine.journal();
    assertThat(journal).extracting(e -> (Object) e.getClass()).containsExactly(RunStarted.class,
        ExperimentStarted.class, HypothesisChecked.class, FaultPrepared.class, FaultActed.class, FindingRecorded.class,
        KeyNumberRecorded.class, EvidenceRecorded.class, RollbackDone.class, HypothesisChecked.class,
        VerdictReached.class, RunFinished.class);
    assertThat(RecordingListener.EVENTS).containsExactlyElementsOf(journal);
    HypothesisChecked.CheckResult check = engine.journal(HypothesisChecked.class).get(0).checks().get(0);
    assertThat(check).isEqualTo(new HypothesisChecked.CheckResult("gateway error ratio", "<= 0.01", "0.0", true, null));
    assertThat(engine.journal(KeyNumberRecorded.class)).extracting(KeyNumberRecorded::keyNumber)
        .containsExactly(new KeyNumber("time to recover", 1.5, "s", "n=1"));
    assertThat(journal).extracting(ChaosEvent::runId).containsOnly(journal.get(0).runId());
    assertThat(journal.subList(1, journal.size() - 1)).extracting(ChaosEvent::experiment)
        .containsOnly("T-HELD Held#faultIsActiveDuringTheBody");
    ExperimentStarted started = engine.journal(ExperimentStarted.class).get(0);
    assertThat(started.className()).isEqualTo(Experiments.Held.class.getName());
    assertThat(started.method()).isEqualTo("faultIsActiveDuringTheBody");
    assertThat(started.recoveryTimeoutSeconds()).isEqualTo(2);
    assertThat(engine.journal(RunFinished.class).get(0).verdicts()).containsExactly(entry(Verdict.HELD, 1));
  }

  @Test
  @DisplayName("DEVIATED: a failed observation fails the test, and the rollback still runs")
  void deviatedInBody() {
    EngineExecutionResults results = engine.execute(Experiments.BodyDeviates.class);

    results.testEvents().assertThatEvents().haveExactly(1,
        finishedWithFailure(instanceOf(AssertionError.class), message(m -> m.contains("did not fire"))));
    assertThat(engine.verdict()).isEqualTo(Verdict.DEVIATED);
    assertThat(World.marker("deviates")).doesNotExist();
  }

  @Test
  @DisplayName("DEVIATED: a steady state that does not come back within recovery names the check")
  void deviatedNoRecovery() {
    EngineExecutionResults results = engine.execute(Experiments.NoRecovery.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(instanceOf(AssertionError.class),
        message("Steady state 'gateway serves' did not recover within 1 s after rollback: "
            + "gateway error ratio: expected <= 0.01, saw 0.5")));
    assertThat(engine.verdict()).isEqualTo(Verdict.DEVIATED);
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
    assertThat(engine.verdict()).isEqualTo(Verdict.ABORTED);
    assertThat(engine.journal(FaultPrepared.class)).isEmpty();
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
  @DisplayName("BLOCKED: an absent capability disables the test with its reason, before anything of it runs")
  void blocked() {
    World.capabilityPresent = false;

    EngineExecutionResults results = engine.execute(Experiments.Blocked.class);

    results.testEvents().assertStatistics(s -> s.skipped(1).started(0).aborted(0).failed(0));
    String reason = "BLOCKED: NVLink metrics absent: DCGM exposes no NVLink fields on this node: hardware limitation";
    assertThat(results.testEvents().skipped().list()).singleElement()
        .satisfies(e -> assertThat(e.getPayload(String.class)).contains(reason));
    assertThat(engine.verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(engine.journal(VerdictReached.class).get(0).message()).isEqualTo(reason);
    assertThat(engine.journal()).extracting(e -> (Object) e.getClass()).containsExactly(RunStarted.class,
        ExperimentStarted.class, CapabilityChecked.class, VerdictReached.class, RunFinished.class);
    assertThat(engine.journal(CapabilityChecked.class)).singleElement().satisfies(c -> {
      assertThat(c.capability()).isEqualTo("NVLink metrics");
      assertThat(c.present()).isFalse();
    });
    assertThat(World.beforeEachRan).as("a blocked experiment's @BeforeEach does not run").isFalse();
  }

  @Test
  @DisplayName("A present capability lets the experiment run")
  void capabilityPresent() {
    engine.execute(Experiments.Blocked.class).testEvents().assertStatistics(s -> s.succeeded(1));
    assertThat(engine.journal(CapabilityChecked.class).get(0).present()).isTrue();
    assertThat(engine.journal(ExperimentStarted.class)).as("the condition and the lifecycle start it once").hasSize(1);
    assertThat(engine.verdict()).isEqualTo(Verdict.HELD);
  }

  @Test
  @DisplayName("ERROR, not BLOCKED: a capability the target cannot be asked about fails the test, nothing injected")
  void capabilityUnreachable() {
    World.unreachable = true;

    EngineExecutionResults results = engine.execute(Experiments.Blocked.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(instanceOf(ProbeException.class),
        message(m -> m.startsWith("Could not ask the target whether it has capability 'NVLink metrics', so nothing "
            + "was run or injected") && m.contains("refused the connection"))));
    assertThat(engine.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(engine.journal(CapabilityChecked.class)).isEmpty();
    assertThat(engine.journal(HypothesisChecked.class)).isEmpty();
    assertThat(engine.journal(FaultPrepared.class)).isEmpty();
    assertThat(World.beforeEachRan).isFalse();
  }

  @Test
  @DisplayName("ERROR: an unreachable probe is neither HELD nor DEVIATED, and nothing is injected")
  void probeUnreachable() {
    World.unreachable = true;

    EngineExecutionResults results = engine.execute(Experiments.ProbeError.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(instanceOf(ProbeException.class),
        message(m -> m.contains("could not be checked before the fault") && m.contains("refused the connection"))));
    assertThat(engine.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(engine.journal(FaultPrepared.class)).isEmpty();
  }

  @Test
  @DisplayName("ERROR: a probe that hangs is cut off at probeTimeout")
  void probeTimeout() {
    World.hangs = true;

    EngineExecutionResults results = engine.with("probeTimeout", "300ms").execute(Experiments.ProbeError.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(instanceOf(ProbeException.class),
        message(m -> m.contains("did not answer within 0 s (probeTimeout)"))));
    assertThat(engine.verdict()).isEqualTo(Verdict.ERROR);
  }

  @Test
  @DisplayName("ERROR: an exception in the body is broken, not a finding, and the rollback runs")
  void bodyThrows() {
    EngineExecutionResults results = engine.execute(Experiments.BodyThrows.class);

    results.testEvents().assertThatEvents().haveExactly(1,
        finishedWithFailure(instanceOf(IllegalStateException.class)));
    assertThat(engine.verdict()).isEqualTo(Verdict.ERROR);
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
    assertThat(engine.verdict()).isEqualTo(Verdict.DEVIATED);
    assertThat(World.marker("guard")).doesNotExist();
    assertThat(engine.journal(RollbackDone.class)).singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo(RollbackSource.GUARD_HALT));
    assertThat(engine.journal(GuardBreached.class)).singleElement().satisfies(e -> {
      assertThat(e.reading()).isEqualTo("0.25");
      assertThat(e.limit()).isEqualTo("<= 0.1");
      assertThat(e.error()).isNull();
    });
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
  @DisplayName("Dry run journals the fault it would inject, logs it, and acts on nothing")
  void dryRun() {
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record);
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger logger = Logger.getLogger(ExperimentRun.class.getName());
    logger.addHandler(handler);
    EngineExecutionResults results;
    try {
      results = engine.with("dryRun", "true").execute(Experiments.Held.class);
    } finally {
      logger.removeHandler(handler);
    }

    results.testEvents().assertStatistics(s -> s.aborted(1).failed(0).succeeded(0));
    assertThat(abortMessage(results)).isEqualTo("ABORTED: dry run: would inject 'create marker held' "
        + "(rollback: 'delete marker held'); no action taken");
    assertThat(World.marker("held")).doesNotExist();
    assertThat(Files.exists(World.markerDir)).isFalse();
    assertThat(engine.journal(FaultPrepared.class)).singleElement().satisfies(e -> {
      assertThat(e.dryRun()).isTrue();
      assertThat(e.fault()).isEqualTo("create marker held");
      assertThat(e.rollback()).isEqualTo("delete marker held");
    });
    assertThat(engine.journal(FaultActed.class)).isEmpty();
    assertThat(MarkerFileFault.UNDONE).isEmpty();
    assertThat(engine.journal(RunStarted.class).get(0).dryRun()).isTrue();
    assertThat(logged).extracting(LogRecord::getMessage).containsExactly("[chaos dry-run] T-HELD Held#"
        + "faultIsActiveDuringTheBody: would inject 'create marker held', rollback: 'delete marker held'. Nothing was done.");
  }

  @Test
  @DisplayName("Safety: a namespace outside namespaces.allowed is refused before anything is read or changed")
  void namespaceNotAllowed() {
    EngineExecutionResults results = engine.execute(Experiments.OutsideAllowedNamespace.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(message(
        "Refused: fault 'force-delete one pod matching app=anything in scratch (grace period 0)' would act in "
            + "namespace 'scratch', which is not in namespaces.allowed [token-labs, gpu-operator]; add it there if it is meant")));
    assertThat(engine.verdict()).isEqualTo(Verdict.ERROR);
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
    return aborted.getPayload(TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow().getMessage();
  }
}
