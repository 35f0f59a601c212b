package run.tokenlabs.chaos.scenarios.rules;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code promtool} binary of a Prometheus installation, run as a child process: {@code check
 * rules} and {@code test rules}. Found through {@code PROMTOOL_BIN} or {@code PATH}. Each run is
 * bounded by a timeout and returns promtool's exit code with its whole output (stdout and stderr
 * interleaved), which is what a failure message should show.
 */
public final class Promtool {
  /** What one promtool run answered. */
  public record Result(List<String> command, int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** The command line and promtool's output, for failure messages. */
    public String describe() {
      return "$ " + String.join(" ", command) + "\n(exit code " + exitCode + ")\n" + output;
    }
  }

  private final Path binary;
  private final Duration timeout;

  private Promtool(Path binary, Duration timeout) {
    this.binary = binary;
    this.timeout = timeout;
  }

  /**
   * The promtool named by {@code PROMTOOL_BIN}, else the first on {@code PATH}.
   *
   * @throws IllegalStateException if there is none, saying how to install it
   */
  public static Promtool locate(Duration timeout) {
    String env = System.getenv("PROMTOOL_BIN");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      if (!Files.isExecutable(p) || Files.isDirectory(p)) {
        throw new IllegalStateException("PROMTOOL_BIN is set to " + env + " but that is not an executable file;"
            + " point it at the promtool binary or unset it to search PATH");
      }
      return new Promtool(p, timeout);
    }
    return findOnPath("promtool").map(p -> new Promtool(p, timeout)).orElseThrow(() -> new IllegalStateException(
        "The rule tests need promtool and found none: PROMTOOL_BIN is unset and no 'promtool' is on PATH."
            + " Install it (Debian/Ubuntu: apt-get install -y prometheus, which ships promtool)"
            + " or set PROMTOOL_BIN."));
  }

  public Path binary() {
    return binary;
  }

  /** {@code promtool check rules FILE...}: syntax, PromQL and template checks of plain rule files. */
  public Result checkRules(Path workDir, List<Path> ruleFiles) {
    List<String> args = new ArrayList<>(List.of("check", "rules"));
    ruleFiles.forEach(f -> args.add(f.toString()));
    return run(workDir, args);
  }

  /** {@code promtool test rules FILE...}: runs the unit tests; rule files are resolved from each test's directory. */
  public Result testRules(Path workDir, List<Path> testFiles) {
    List<String> args = new ArrayList<>(List.of("test", "rules"));
    testFiles.forEach(f -> args.add(f.toString()));
    return run(workDir, args);
  }

  /** Runs promtool with {@code args} in {@code workDir}; a run past the timeout is killed and reported. */
  public Result run(Path workDir, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(args);
    try {
      Path output = Files.createTempFile("promtool-", ".out");
      try {
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
            .redirectOutput(output.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          return new Result(command, -1, Files.readString(output, StandardCharsets.UTF_8)
              + "\n[killed: promtool did not finish within " + timeout.toSeconds() + " s]");
        }
        return new Result(command, process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    }
  }

  static Optional<Path> findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
