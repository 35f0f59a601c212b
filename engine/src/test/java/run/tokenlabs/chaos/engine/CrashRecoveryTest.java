package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RollbackFailed;
import run.tokenlabs.chaos.api.event.RollbackSource;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.engine.fixtures.Experiments;
import run.tokenlabs.chaos.engine.fixtures.HangingExperiment;
import run.tokenlabs.chaos.engine.testing.ChildJvm;
import run.tokenlabs.chaos.engine.testing.EngineRun;
import run.tokenlabs.chaos.engine.testing.World;

/** The rollback guarantee when the JVM itself dies: SIGTERM runs the shutdown hook, SIGKILL leaves it to the next run. */
class CrashRecoveryTest {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  @TempDir
  Path dir;
  Path journal;
  Path marker;

  @BeforeEach
  void setUp() {
    World.reset(dir.resolve("markers"));
    journal = dir.resolve("journal");
    marker = dir.resolve("fault-marker");
  }

  @Test
  @DisplayName("SIGKILL mid-experiment: the next run completes the pending rollback before any experiment")
  void sigkillIsRecoveredByTheNextRun() throws Exception {
    try (ChildJvm child = ChildJvm.start(HangingExperiment.class, journal, marker)) {
      child.awaitFaultActive(START_TIMEOUT);
      child.kill();
    }
    assertThat(marker).as("SIGKILL runs no hook, so the fault is still active").exists();
    assertThat(pendingFiles()).hasSize(1);

    EngineRun next = new EngineRun(journal);
    next.execute(Experiments.Held.class).testEvents().assertStatistics(s -> s.succeeded(1));

    assertThat(marker).doesNotExist();
    List<JournalFile> runs = next.runs();
    assertThat(runs).hasSize(2);
    List<ChaosEvent> nextRun = runs.get(1).events();
    assertThat(nextRun).extracting(e -> (Object) e.getClass())
        .startsWith(RunStarted.class, RollbackDone.class, ExperimentStarted.class);
    RollbackDone recovered = (RollbackDone) nextRun.get(1);
    assertThat(recovered.source()).isEqualTo(RollbackSource.RECOVERED_FROM_CRASH);
    assertThat(recovered.experiment()).isEqualTo("recovery of run " + runs.get(0).runId());
    assertThat(runs.get(0).events(RollbackDone.class)).as("the killed run rolled nothing back").isEmpty();
    assertThat(pendingFiles()).as("completed pending files are removed").isEmpty();
  }

  @Test
  @DisplayName("SIGTERM mid-experiment: the shutdown hook rolls back before the JVM exits")
  void sigtermRollsBackInTheShutdownHook() throws Exception {
    try (ChildJvm child = ChildJvm.start(HangingExperiment.class, journal, marker)) {
      child.awaitFaultActive(START_TIMEOUT);
      assertThat(marker).exists();
      child.terminate();
    }

    assertThat(marker).doesNotExist();
    List<RollbackDone> rollbacks = new EngineRun(journal).journal(RollbackDone.class);
    assertThat(rollbacks).singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo(RollbackSource.SHUTDOWN_HOOK));
    assertThat(PendingRollbackFile.leftovers(journal, "none", PendingLines.keyOf(journal)))
        .as("the hook marked it done").isEmpty();
  }

  @Test
  @DisplayName("A pending rollback of an unknown kind stops the next run before any experiment, naming file, line and kind")
  void unknownKindStopsTheNextRun() throws Exception {
    Path pending = PendingLines.write(journal, "20260101-000000-dead", PendingLines.signed(PendingLines.keyOf(journal),
        "20260101-000000-dead", "{\"op\":\"register\",\"seq\":1,\"target\":\"mock\",\"namespaces\":[],"
        + "\"rollback\":{\"kind\":\"com.example.ScaleBack\",\"description\":\"scale web back to 3\","
        + "\"state\":{\"replicas\":3}}}") + "\n");

    EngineRun next = new EngineRun(journal);
    EngineExecutionResults results = next.execute(Experiments.Held.class);

    results.testEvents().assertStatistics(s -> s.started(0));
    results.containerEvents().assertThatEvents().haveExactly(1, finishedWithFailure(message(m ->
        m.contains("was killed with a pending rollback ('scale web back to 3')") && m.contains("Nothing was injected"))));

    assertThat(next.journal(ExperimentStarted.class)).as("no experiment runs").isEmpty();
    assertThat(next.journal(RollbackDone.class)).isEmpty();
    assertThat(next.journal(RollbackFailed.class)).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo("com.example.ScaleBack");
      assertThat(e.error()).contains(pending + " line 1", "kind 'com.example.ScaleBack'");
    });
    assertThat(pending).as("kept for the person who restores it by hand").exists();
  }

  private List<Path> pendingFiles() throws Exception {
    Path pending = journal.resolve(PendingRollbackFile.DIR);
    try (Stream<Path> files = Files.list(pending)) {
      return files.toList();
    }
  }
}
