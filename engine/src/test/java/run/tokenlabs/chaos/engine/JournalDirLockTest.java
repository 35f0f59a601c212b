package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RollbackSource;
import run.tokenlabs.chaos.engine.fixtures.Experiments;
import run.tokenlabs.chaos.engine.fixtures.HangingExperiment;
import run.tokenlabs.chaos.engine.testing.ChildJvm;
import run.tokenlabs.chaos.engine.testing.EngineRun;
import run.tokenlabs.chaos.engine.testing.World;

/** One run per journal directory: a second fails fast naming the holder; a lock left by a dead run never blocks. */
class JournalDirLockTest {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private final Logger lockLog = Logger.getLogger(JournalDirLock.class.getName());
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  @TempDir
  Path dir;
  Path journal;

  @BeforeEach
  void setUp() {
    World.reset(dir.resolve("markers"));
    journal = dir.resolve("journal");
    lockLog.addHandler(capture);
  }

  @AfterEach
  void tearDown() {
    lockLog.removeHandler(capture);
  }

  @Test
  @DisplayName("A second run (this JVM) in the directory of a live run (a child JVM) fails fast naming its run id, host and pid, and leaves its fault alone")
  void secondRunFailsFastNamingTheHolder() throws Exception {
    Path marker = dir.resolve("fault-marker");
    try (ChildJvm child = ChildJvm.start(HangingExperiment.class, journal, marker)) {
      child.awaitFaultActive(START_TIMEOUT);
      String holder = JournalFile.readAll(journal).get(0).runId();

      EngineExecutionResults second = new EngineRun(journal).execute(Experiments.Held.class);

      second.testEvents().assertStatistics(s -> s.started(0));
      second.containerEvents().assertThatEvents().haveExactly(1, finishedWithFailure(message(m ->
          m.contains("is in use by run " + holder + " (host ") && m.contains(", pid " + child.pid() + ", started ")
              && m.contains("give this run another journal.dir"))));
      assertThat(marker).as("the live run's fault was not rolled back by the second run").exists();
      assertThat(JournalFile.readAll(journal)).as("the second run wrote no journal").hasSize(1);

      child.kill();
      EngineRun third = new EngineRun(journal);
      third.execute(Experiments.Held.class).testEvents().assertStatistics(s -> s.succeeded(1));

      assertThat(marker).as("the run after the kill completed the rollback").doesNotExist();
      assertThat(third.journal(RollbackDone.class)).anySatisfy(e ->
          assertThat(e.source()).isEqualTo(RollbackSource.RECOVERED_FROM_CRASH));
      assertThat(logged).anySatisfy(m -> assertThat(m).contains("Took over the lock", "left by run " + holder,
          "pid " + child.pid(), "whose process is gone"));
    }
  }

  @Test
  @DisplayName("In one JVM a second lock on the directory is refused naming the holder; once released, it is free and names no one")
  void secondLockInOneJvm() throws Exception {
    long pid = ProcessHandle.current().pid();
    try (JournalDirLock first = JournalDirLock.acquire(journal, "run-a")) {
      assertThatThrownBy(() -> JournalDirLock.acquire(journal, "run-b")).isInstanceOf(ChaosConfigException.class)
          .hasMessageContaining("is in use by run run-a (host ").hasMessageContaining(", pid " + pid + ", started ");
      assertThat(Files.readString(journal.resolve(JournalDirLock.FILE))).contains("runId=run-a", "pid=" + pid);
    }
    assertThat(Files.readString(journal.resolve(JournalDirLock.FILE))).isEmpty();
    try (JournalDirLock second = JournalDirLock.acquire(journal, "run-b")) {
      assertThat(Files.readString(journal.resolve(JournalDirLock.FILE))).contains("runId=run-b");
    }
    assertThat(logged).as("a cleanly released lock is not a takeover").noneMatch(m -> m.contains("Took over"));
  }

  @Test
  @DisplayName("A lock file naming a dead pid on this host is taken over, and the takeover is logged")
  void staleLockIsTakenOver() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.createDirectories(journal);
    String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    Files.writeString(journal.resolve(JournalDirLock.FILE), "runId=20260101-000000-dead\nhost=" + host + "\npid="
        + gone.pid() + "\nstarted=2026-01-01T00:00:00Z\n");

    try (JournalDirLock lock = JournalDirLock.acquire(journal, "run-new")) {
      assertThat(Files.readString(journal.resolve(JournalDirLock.FILE))).contains("runId=run-new")
          .doesNotContain("dead");
    }
    assertThat(logged).singleElement().satisfies(m -> assertThat(m).contains("Took over the lock",
        "left by run 20260101-000000-dead (host " + host + ", pid " + gone.pid(), "whose process is gone"));
  }
}
