package run.tokenlabs.chaos.lab.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPU time the benchmark's JVM spent between two moments: the whole process (every thread,
 * including GC and JIT), and the threads alive at the end grouped by name (the digits of pool
 * threads' names dropped, so all of {@code lab-gateway-1..N} are one group). CPU time, unlike
 * wall latency, hardly changes with what else runs on the machine, so it compares two builds of
 * the lab on a shared host.
 */
final class CpuMeter {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final long processStart = os.getProcessCpuTime();
  private final Map<Long, Long> threadStart = threadTimes();
  private final long switchesStart = contextSwitchesNow();

  /**
   * Whether a thread group carries the lab's completions: the gateway's and the pods' handler
   * threads, the pods' writers ({@code lab-sim-<model>-writer}), the step loops, and the JDK servers'
   * dispatcher threads (the load generator, the Kubernetes API and the exporters are left out).
   */
  static boolean isLabServing(String group) {
    return group.startsWith("lab-gateway-#") || group.startsWith("lab-sim-") || group.startsWith("lab-steps-")
        || group.equals("HTTP-Dispatcher");
  }

  /** Process CPU nanoseconds since this meter was created. */
  long processNanos() {
    return os.getProcessCpuTime() - processStart;
  }

  /**
   * Context switches (voluntary and not) of this process's threads since the start, as Linux counts
   * them in {@code /proc/self/task/<tid>/status}; threads that ended meanwhile are not counted, so it
   * is a lower bound. -1 where that is not readable (not Linux).
   */
  long contextSwitches() {
    return switchesStart < 0 ? -1 : Math.max(-1, contextSwitchesNow() - switchesStart);
  }

  private static long contextSwitchesNow() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return -1;
    }
    long total = 0;
    try (Stream<Path> all = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) all::iterator) {
        total += switchesOf(task.resolve("status"));
      }
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
    return total;
  }

  private static long switchesOf(Path status) {
    try {
      long sum = 0;
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
          sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return sum;
    } catch (IOException e) {
      return 0; // the thread ended while the list was read
    }
  }

  /** CPU nanoseconds since the start by thread group, of the threads alive now. */
  Map<String, Long> byThreadGroup() {
    Map<String, Long> groups = new TreeMap<>();
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long now = threads.getThreadCpuTime(info.getThreadId());
      if (now < 0) {
        continue;
      }
      long spent = now - threadStart.getOrDefault(info.getThreadId(), 0L);
      groups.merge(info.getThreadName().replaceAll("[0-9]+", "#"), spent, Long::sum);
    }
    return groups;
  }

  private Map<Long, Long> threadTimes() {
    Map<Long, Long> times = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      times.put(id, threads.getThreadCpuTime(id));
    }
    return times;
  }
}
