package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the kernel says of this JVM's threads whose names start with a prefix (the load's event loops), from
 * {@code /proc/self/task/<tid>/schedstat}: time on a CPU, time waiting in a run queue after being woken,
 * and how many times each ran. Sampled every 200 ms while a load runs, since the loops' threads end with it.
 * The wait per wake-up is what a stream's bytes wait, beyond the socket, before the loop can read them.
 * Linux only; elsewhere it reports nothing.
 */
final class RunQueueSampler implements AutoCloseable {
  private final String prefix;
  private final Map<String, long[]> last = new HashMap<>();
  private final Thread thread;
  private volatile boolean stop;

  RunQueueSampler(String prefix) {
    this.prefix = prefix;
    this.thread = new Thread(this::loop, "run-queue-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (!stop) {
      sample();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void sample() {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          if (!Files.readString(task.resolve("comm")).strip().startsWith(prefix)) {
            continue;
          }
          String[] f = Files.readString(task.resolve("schedstat")).strip().split(" ");
          last.put(task.getFileName().toString(), new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])});
        } catch (IOException | RuntimeException e) {
          // the thread ended between the listing and the read
        }
      }
    } catch (IOException e) {
      // no /proc: nothing to report
    }
  }

  @Override
  public void close() {
    stop = true;
    thread.interrupt();
  }

  /** "threads N, on CPU x ms, run-queue wait y ms over z runs (w us a run)", or why there is nothing. */
  synchronized String summary() {
    if (last.isEmpty()) {
      return "no " + prefix + " threads seen in /proc/self/task";
    }
    long run = 0;
    long wait = 0;
    long slices = 0;
    for (long[] v : last.values()) {
      run += v[0];
      wait += v[1];
      slices += v[2];
    }
    return String.format("%s threads %d: on CPU %.0f ms, waiting in the run queue %.0f ms over %d runs (%.1f us a run)",
        prefix, last.size(), run / 1e6, wait / 1e6, slices, wait / 1e3 / Math.max(1, slices));
  }
}
