package run.tokenlabs.chaos.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the distribution's launcher, as the kubelet sends it to the CronJob's PID 1 at the Job's deadline:
 * {@code bin/tokenlabs-chaos} execs java, so the process started is the JVM itself (no shell in between that would
 * ignore the signal or die without it), and the JVM's shutdown hook rolls back the fault in flight before it exits.
 * On the lab, FAILURE-3's first fault (streams cut after some tokens) is the one in flight.
 */
class LauncherSignalIT {
  @TempDir
  Path dir;

  @Test
  @DisplayName("SIGTERM to bin/tokenlabs-chaos mid-fault: the same process is the JVM, and it rolls back before it exits")
  void sigtermRollsBackBeforeExit() throws Exception {
    Path home = Path.of("target").toAbsolutePath();
    Path launcher;
    try (Stream<Path> dists = Files.list(home)) {
      launcher = dists.filter(d -> d.getFileName().toString().endsWith("-dist") && Files.isDirectory(d)).findFirst()
          .orElseThrow(() -> new AssertionError("no target/*-dist: this test runs after the package phase"))
          .resolve("tokenlabs-chaos/bin/tokenlabs-chaos");
    }
    Path output = dir.resolve("out");
    Path log = dir.resolve("console.log");
    Process process = new ProcessBuilder(launcher.toString(), "--experiment", "FAILURE-3", "--output",
        output.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await("the fault acting; console in " + log).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
          .until(() -> Files.readString(log).contains("fault acted:") || !process.isAlive());
      assertThat(process.isAlive()).as("the run is still going; console:\n%s", Files.readString(log)).isTrue();
      String cmdline = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
      assertThat(cmdline).as("the launcher's process is the JVM (exec), not a shell waiting for it")
          .contains("java").contains("run.tokenlabs.chaos.runner.GameDayRunner").doesNotStartWith("/bin/sh");

      process.destroy(); // SIGTERM
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the JVM exits after its hook").isTrue();
      assertThat(process.exitValue()).as("terminated by SIGTERM, after the hook").isEqualTo(143);
    } finally {
      process.destroyForcibly();
    }
    List<String> journal = journalLines(output.resolve("chaos-journal"));
    assertThat(journal).as("the fault in flight was rolled back by the shutdown hook")
        .anyMatch(line -> line.contains("\"type\":\"RollbackDone\"") && line.contains("\"source\":\"SHUTDOWN_HOOK\""));
  }

  private static List<String> journalLines(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      Path journal = files.filter(f -> f.getFileName().toString().matches("journal-.*\\.jsonl")).findFirst()
          .orElseThrow(() -> new AssertionError("no journal in " + dir));
      return Files.readAllLines(journal);
    }
  }
}
