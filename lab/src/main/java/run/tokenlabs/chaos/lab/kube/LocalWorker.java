package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import run.tokenlabs.chaos.lab.process.ServerProcess;

/**
 * The container of a Job pod as the lab runs it: a JVM child process ({@code java -cp <the lab's class
 * path> <main class> <args>}) with the container's environment, its heap bounded by the container's
 * memory limit, its stdout and stderr in one log file of bounded size. Stopped politely and then by
 * force on {@link #close()}, or by a JVM shutdown hook, so no worker outlives the lab.
 */
final class LocalWorker implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LocalWorker.class.getName());
  /** The heap of a container without a memory limit. */
  static final long DEFAULT_HEAP_MIB = 256;
  /** How much of a log the lab keeps: the first part, then a line saying the rest was dropped. */
  static final long LOG_LIMIT_BYTES = 4L << 20;
  /** How long a worker may take to exit on SIGTERM before it is killed, as a pod's termination grace. */
  static final Duration GRACE = Duration.ofSeconds(5);

  private final Process process;
  private final ServerProcess stopper;
  private volatile boolean killed;

  private LocalWorker(Process process, ServerProcess stopper) {
    this.process = process;
    this.stopper = stopper;
  }

  /**
   * Starts the process; {@code onExit} gets its exit code once it has ended and its output is all in
   * {@code log}.
   */
  static LocalWorker start(String podName, Container container, JobCommands.Launch launch, Map<String, String> env,
      Path log, IntConsumer onExit) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heapMib(container) + "m");
    command.add("-XX:+ExitOnOutOfMemoryError"); // as a container's OOM kill ends it
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(launch.mainClass());
    command.addAll(launch.args());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    Files.createDirectories(log.getParent());
    Process process = builder.start();
    ServerProcess stopper = new ServerProcess("job pod " + podName, process, log, GRACE);
    Thread pump = new Thread(() -> {
      copyBounded(process.getInputStream(), log);
      try {
        onExit.accept(process.waitFor());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "lab-job-pod-" + podName);
    pump.setDaemon(true);
    pump.start();
    return new LocalWorker(process, stopper);
  }

  /** The heap: three quarters of the memory limit (the rest is the JVM's own), else the default. */
  static long heapMib(Container container) {
    Quantity limit = container.getResources() == null || container.getResources().getLimits() == null ? null
        : container.getResources().getLimits().get("memory");
    if (limit == null) {
      return DEFAULT_HEAP_MIB;
    }
    long bytes = Quantity.getAmountInBytes(limit).longValue();
    return Math.max(32, bytes * 3 / 4 / (1 << 20));
  }

  /** Sends SIGTERM without waiting, so many workers can be stopped at once before {@link #close()} waits. */
  void terminate() {
    killed = true;
    process.destroy();
  }

  /** Whether the lab stopped it (the kubelet's Killing), rather than it ending by itself. */
  boolean killed() {
    return killed;
  }

  /**
   * SIGTERM, SIGKILL after the grace; returns once the process is gone. On a process that ended by itself
   * it only drops the shutdown hook.
   */
  @Override
  public void close() {
    if (process.isAlive()) {
      killed = true;
    }
    stopper.close();
  }

  private static void copyBounded(InputStream in, Path log) {
    byte[] buffer = new byte[8192];
    long written = 0;
    boolean truncated = false;
    try (in; OutputStream out = Files.newOutputStream(log)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (written < LOG_LIMIT_BYTES) {
          int keep = (int) Math.min(n, LOG_LIMIT_BYTES - written);
          out.write(buffer, 0, keep);
          out.flush(); // a reader (kubectl logs) sees each line as it comes
          written += keep;
        } else if (!truncated) {
          truncated = true;
          out.write(("\n[the lab keeps the first " + (LOG_LIMIT_BYTES >> 20) + " MiB of a Job pod's log; "
              + "the rest is dropped]\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "the log of a Job pod ended early: " + log, e);
    }
  }
}
