package run.tokenlabs.chaos.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.engine.RunnerArming;

/** The runner's refusals end the process before anything runs: exit code 64, the reason, and nothing armed or written. */
class GameDayRunnerTest {
  @TempDir
  Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  @DisplayName("a cluster configuration without --arm: exit 64 naming --arm, the JVM not armed, no output written")
  void clusterWithoutArm() throws IOException {
    Path config = Files.writeString(dir.resolve("cluster.yaml"), """
        target: cluster
        kubernetes:
          allowedContexts: [in-cluster]
        namespaces:
          allowed: [token-labs]
        """);
    Path output = dir.resolve("out");

    ExitCode exit = run("--config", config.toString(), "--output", output.toString());

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("the runner was not armed", "add --arm", "Usage:");
    assertThat(RunnerArming.armed()).isFalse();
    assertThat(output).doesNotExist();
  }

  @Test
  @DisplayName("an experiment id that matches nothing: exit 64 naming the selection")
  void unknownExperiment() {
    ExitCode exit = run("--experiment", "NO-SUCH-1", "--output", dir.resolve("out").toString());

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no experiment matches experiments [NO-SUCH-1]");
  }

  @Test
  @DisplayName("a mistyped id beside a known one: exit 64 naming it, rather than a run that leaves it out")
  void oneUnknownExperiment() {
    ExitCode exit = run("--experiment", "DCGM-1,DCGM-9", "--output", dir.resolve("out").toString());

    assertThat(exit).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--experiment DCGM-9 matches no experiment");
  }

  @Test
  @DisplayName("--help prints the options and the exit codes, and exits 0")
  void help() {
    assertThat(run("--help")).isEqualTo(ExitCode.HELD);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--arm", "--dry-run", "Exit codes:", "64 usage");
  }

  private ExitCode run(String... args) {
    return GameDayRunner.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }
}
