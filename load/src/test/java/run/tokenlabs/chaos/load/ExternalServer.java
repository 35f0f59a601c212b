package run.tokenlabs.chaos.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BenchServer} in its own JVM, started with this JVM's class path on 127.0.0.1, optionally
 * pinned to the CPUs named by {@code -Dbench.serverCpus} (through {@code taskset}), and stopped on
 * {@link #close()}. Its first-token send times are fetched after a run with {@link #firstTokenTimes()}.
 */
final class ExternalServer implements AutoCloseable {
  private final Process process;
  private final BufferedReader replies;
  private final PrintWriter commands;
  private final int port;

  private ExternalServer(Process process) throws IOException {
    this.process = process;
    this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    String first = replies.readLine();
    if (first == null || !first.startsWith("port ")) {
      process.destroyForcibly();
      throw new IllegalStateException("the bench server process should print 'port <n>' first, printed '" + first
          + "' (exit " + (process.isAlive() ? "none yet" : process.exitValue()) + "); its standard error is this JVM's");
    }
    this.port = Integer.parseInt(first.substring(5).trim());
  }

  /** Starts a server streaming tokens {@code intervalMicros} apart (0: as fast as it can). */
  static ExternalServer start(long intervalMicros) throws IOException {
    var command = new ArrayList<String>(pinned(System.getProperty("bench.serverCpus")));
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), BenchServer.class.getName(), Long.toString(intervalMicros)));
    return new ExternalServer(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  /** {@code taskset -c <cpus>} before a command when CPUs are named, else nothing. */
  static List<String> pinned(String cpus) {
    return cpus == null || cpus.isBlank() ? List.of() : List.of("taskset", "-c", cpus);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  /** The first-token send time ({@code System.nanoTime()}) of each request since the last call, by request number. */
  Map<Long, Long> firstTokenTimes() throws IOException {
    Path file = Files.createTempFile("bench-first-tokens", ".txt");
    try {
      ask("times " + file, "written ");
      var times = new HashMap<Long, Long>();
      for (String line : Files.readAllLines(file)) {
        int space = line.indexOf(' ');
        times.put(Long.parseLong(line.substring(0, space)), Long.parseLong(line.substring(space + 1)));
      }
      return times;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Stops the server keeping first-token times, so that its heap stays flat over a soak. */
  ExternalServer forgettingFirstTokenTimes() throws IOException {
    ask("forget", "forgetting");
    return this;
  }

  /** The completion requests the server has served so far. */
  synchronized int completions() {
    try {
      return Integer.parseInt(ask("count", "count ").substring(6).trim());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("the bench server process did not answer 'count'", e);
    }
  }

  private synchronized String ask(String command, String expected) throws IOException {
    commands.println(command);
    String reply = replies.readLine();
    if (reply == null || !reply.startsWith(expected)) {
      throw new IllegalStateException("the bench server should answer '" + expected + "...' to '" + command
          + "', answered '" + reply + "'");
    }
    return reply;
  }

  @Override
  public void close() throws InterruptedException {
    commands.println("quit");
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
