package run.tokenlabs.chaos.engine.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs one experiment class in a separate JVM (same class path), so tests can kill it with
 * SIGKILL or SIGTERM mid-experiment. {@link #main} is the child's entry point.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final CompletableFuture<Void> faultActive = new CompletableFuture<>();
  private final List<String> output = new ArrayList<>();

  private ChildJvm(Process process) {
    this.process = process;
    Thread reader = new Thread(this::pump, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code experiment} in a new JVM with the given journal dir and marker file. */
  public static ChildJvm start(Class<?> experiment, Path journalDir, Path marker) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath,
        "-Dtokenlabs.chaos.target=mock",
        "-Dtokenlabs.chaos.journal.dir=" + journalDir,
        "-Dtokenlabs.chaos.journal.keyFile=" + EngineRun.keyFile(journalDir),
        "-Dtest.marker=" + marker,
        ChildJvm.class.getName(), experiment.getName());
    return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  private void pump() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (output) {
          output.add(line);
        }
        if (line.contains("FAULT-ACTIVE")) {
          faultActive.complete(null);
        }
      }
    } catch (IOException ignored) {
      // the child died; its output so far is kept
    }
  }

  /** Waits until the child's experiment has injected its fault. */
  public void awaitFaultActive(Duration timeout) throws Exception {
    try {
      faultActive.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("child JVM did not report FAULT-ACTIVE within " + timeout + "; output: " + output(), e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public void kill() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks run
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public void terminate() throws InterruptedException {
    process.destroy(); // SIGTERM: shutdown hooks run
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("child JVM did not exit within 60 s of SIGTERM; output: " + output());
    }
  }

  public List<String> output() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  /** Child entry point: runs the experiment class through the JUnit Platform. */
  public static void main(String[] args) throws Exception {
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(Class.forName(args[0]))).build());
  }
}
