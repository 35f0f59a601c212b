package run.tokenlabs.chaos.lab.api;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code kubectl} binary run against a lab's kubeconfig, with a discovery cache of its own
 * (so no run reads another lab's documents): one command at a time, or a long one (a watch) whose
 * output is read while it runs.
 */
final class Kubectl {
  /** What one run printed (stdout and stderr interleaved) and its exit code. */
  record Result(int exitCode, String output) {}

  /** What one run printed on stdout and on stderr, apart, and its exit code. */
  record Streams(int exitCode, String stdout, String stderr) {}

  private record Output(Process process, Path file) {}

  private final Path kubeconfig;
  private final Path workDir;
  private final List<Output> outputs = new CopyOnWriteArrayList<>();

  Kubectl(Path kubeconfig, Path workDir) {
    this.kubeconfig = kubeconfig;
    this.workDir = workDir;
  }

  /** Whether a kubectl is on PATH. */
  static boolean installed() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (new File(dir, "kubectl").canExecute()) {
        return true;
      }
    }
    return false;
  }

  /** Runs {@code kubectl ARGS} to its end (at most 60 s, then it is killed and the test fails). */
  Result run(String... args) throws IOException, InterruptedException {
    Process p = start(args);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " did not end within 60 s; printed:\n"
          + Files.readString(output(p)));
    }
    return new Result(p.exitValue(), Files.readString(output(p), StandardCharsets.UTF_8));
  }

  /** Runs {@code kubectl ARGS} to its end (at most 60 s) with stdout and stderr kept apart. */
  Streams runApart(String... args) throws IOException, InterruptedException {
    List<String> command = command(args);
    Path out = Files.createTempFile(workDir, "kubectl-", ".out");
    Path err = Files.createTempFile(workDir, "kubectl-", ".err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " did not end within 60 s; printed:\n"
          + Files.readString(out) + Files.readString(err));
    }
    return new Streams(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Starts {@code kubectl ARGS}; its output goes to {@link #output(Process)}. */
  Process start(String... args) throws IOException {
    List<String> command = command(args);
    Path out = Files.createTempFile(workDir, "kubectl-", ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    outputs.add(new Output(p, out));
    return p;
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", workDir.resolve("cache").toString()));
    command.addAll(List.of(args));
    return command;
  }

  /** The file a started kubectl writes to. */
  Path output(Process p) {
    return outputs.stream().filter(o -> o.process() == p).findFirst().orElseThrow().file();
  }

  /** The first line of {@code output} starting with {@code prefix}; fails naming the output when none does. */
  static String line(String output, String prefix) {
    return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no line starting with " + prefix + " in:\n" + output));
  }

  /** The last line holding every one of {@code parts}, or -1. */
  static int lastLineWith(List<String> lines, String... parts) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      String l = lines.get(i);
      if (java.util.Arrays.stream(parts).allMatch(l::contains)) {
        return i;
      }
    }
    return -1;
  }
}
