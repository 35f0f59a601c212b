package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RollbackFailed;
import run.tokenlabs.chaos.api.event.RollbackSource;
import run.tokenlabs.chaos.engine.fixtures.SlowRollbackExperiment;
import run.tokenlabs.chaos.engine.testing.EngineRun;
import run.tokenlabs.chaos.engine.testing.GameDayFixture;

/**
 * SIGTERM reaches the JVM that holds the rollbacks, in a container. The test runs the repository's
 * own {@code bin/gameday} as PID 1 of a new PID namespace ({@code unshare --pid --fork}), as a
 * container runtime starts an entrypoint, with real Maven and failsafe under the chaos profile, on a
 * fixture experiment whose rollback takes seconds. It then sends SIGTERM to PID 1, as the kubelet
 * does at a Job's deadline. What it catches: a shell as PID 1 (it ignores SIGTERM), and a test JVM
 * forked by Maven (Maven, as PID 1, exits without waiting for it, and the kernel then kills it
 * mid-rollback). Heavy for a unit test (one Maven start), because the defect lives in the script and
 * in Maven's handling of its fork, which a bare JVM would not exercise.
 */
class SignalSafetyTest {
  private static final Duration MAVEN_START = Duration.ofMinutes(3);
  private static final Duration EXIT_AFTER_SIGTERM = Duration.ofSeconds(90);
  /** Kept when the test fails: the checkout, the gameday output and the journal say what happened. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  @DisplayName("SIGTERM to bin/gameday as PID 1: the JVM is PID 1, runs the slow rollback, and only then exits")
  void sigtermToPid1RollsBackBeforeExit() throws Exception {
    assumeThat(unshareWorks()).as("unshare --pid --fork needs util-linux and root (or user namespaces); "
        + "without it the PID 1 case cannot be reproduced here").isTrue();
    Path journal = dir.resolve("journal");
    Path marker = dir.resolve("fault-marker");
    GameDayFixture fixture = GameDayFixture.create(dir.resolve("checkout"), SlowRollbackExperiment.class, Map.of(
        "tokenlabs.chaos.target", "mock", "tokenlabs.chaos.journal.dir", journal.toString(),
        "tokenlabs.chaos.journal.keyFile", EngineRun.keyFile(journal).toString(),
        "test.marker", marker.toString()));
    Path log = dir.resolve("gameday.log");
    ProcessBuilder builder = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc",
        fixture.gameday().toString(), "-o").redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("PATH", fixture.toolStubs() + ":" + System.getenv("PATH"));
    // as the CronJob runs it: from a writable copy (a sibling, so the relative parent POM path still holds)
    Path workdir = dir.resolve("workdir");
    builder.environment().put("GAMEDAY_WORKDIR", workdir.toString());
    Process unshare = builder.start();
    try {
      await("the fixture experiment's fault to be active (Maven started, experiment injected)").atMost(MAVEN_START)
          .pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(marker) || !unshare.isAlive());
      assertThat(marker).as("fault active; gameday output:\n%s", GameDayFixture.tail(log, 40)).exists();
      ProcessHandle pid1 = unshare.toHandle().children().findFirst().orElseThrow();
      assertThat(pid1.info().command().map(c -> Path.of(c).getFileName().toString()))
          .as("PID 1 of the container is the JVM, not a shell (a shell as PID 1 ignores SIGTERM): bin/gameday must "
              + "exec Maven, and Maven's launcher exec java").contains("java");
      assertThat(Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid1.pid()), "cwd")))
          .as("Maven runs in the copy in GAMEDAY_WORKDIR").isEqualTo(workdir);

      pid1.destroy(); // SIGTERM

      assertThat(unshare.waitFor(EXIT_AFTER_SIGTERM.toSeconds(), TimeUnit.SECONDS))
          .as("PID 1 exits within %s of SIGTERM; gameday output:\n%s", EXIT_AFTER_SIGTERM, GameDayFixture.tail(log, 40))
          .isTrue();
      assertThat(marker.resolveSibling("fault-marker.undo-started")).as("the rollback started").exists();
      assertThat(marker).as("the rollback completed before the container's processes were gone").doesNotExist();
      EngineRun run = new EngineRun(journal);
      assertThat(run.journal(RollbackFailed.class)).isEmpty();
      assertThat(run.journal(RollbackDone.class)).singleElement()
          .satisfies(e -> assertThat(e.source()).isEqualTo(RollbackSource.SHUTDOWN_HOOK));
    } finally {
      unshare.descendants().forEach(ProcessHandle::destroyForcibly);
      unshare.destroyForcibly();
    }
  }

  private static boolean unshareWorks() {
    try {
      Process probe = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
