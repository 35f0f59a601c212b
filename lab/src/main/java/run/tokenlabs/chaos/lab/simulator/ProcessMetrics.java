package run.tokenlabs.chaos.lab.simulator;

import run.tokenlabs.chaos.lab.metrics.TextFormat;

/**
 * The families the Prometheus Python client's default collectors add to a vLLM API server's page
 * ({@code process_*}, {@code python_gc_*}, {@code python_info}), with values derived from what the
 * simulated server did: CPU time grows with requests and streamed tokens, memory with running
 * requests, open descriptors with open connections, garbage collections with requests. Their names
 * and types are the point (a page without them is not a real one); the values are only plausible.
 */
final class ProcessMetrics {
  private static final double BASE_RESIDENT_BYTES = 1.9e9;
  private static final double RESIDENT_BYTES_PER_RUNNING_REQUEST = 64 * 1024;
  private static final double VIRTUAL_BYTES = 3.6e10;
  private static final int BASE_OPEN_FDS = 64;
  private static final int MAX_FDS = 1_048_576;

  private final double startEpochSeconds = System.currentTimeMillis() / 1000.0;

  double startEpochSeconds() {
    return startEpochSeconds;
  }

  void writeTo(TextFormat out, EngineMetrics m, int openConnections) {
    long requests = m.requests.get();
    String[] generations = {"0", "1", "2"};
    long[] collected = {requests * 420, requests * 37, requests * 3};
    long[] collections = {requests * 6 + 40, requests / 2 + 3, requests / 20 + 1};
    out.header("python_gc_objects_collected_total", "counter", "Objects collected during gc");
    for (int g = 0; g < 3; g++) {
      out.sample("python_gc_objects_collected_total", TextFormat.label("generation", generations[g]), collected[g]);
    }
    out.header("python_gc_objects_uncollectable_total", "counter", "Uncollectable objects found during GC");
    for (String g : generations) {
      out.sample("python_gc_objects_uncollectable_total", TextFormat.label("generation", g), 0);
    }
    out.header("python_gc_collections_total", "counter", "Number of times this generation was collected");
    for (int g = 0; g < 3; g++) {
      out.sample("python_gc_collections_total", TextFormat.label("generation", generations[g]), collections[g]);
    }
    out.single("python_info", "gauge", "Python platform information", TextFormat.join(
        TextFormat.label("implementation", "CPython"), TextFormat.label("major", "3"), TextFormat.label("minor", "12"),
        TextFormat.label("patchlevel", "11"), TextFormat.label("version", "3.12.11")), 1);
    double resident = BASE_RESIDENT_BYTES + m.running * RESIDENT_BYTES_PER_RUNNING_REQUEST;
    out.single("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", "", VIRTUAL_BYTES + resident);
    out.single("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", "", resident);
    out.single("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", "",
        startEpochSeconds);
    double uptime = Math.max(0, System.currentTimeMillis() / 1000.0 - startEpochSeconds);
    double cpu = uptime * 0.005 + requests * 0.002 + m.generationTokens.get() * 0.00003;
    out.single("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", "", cpu);
    out.single("process_open_fds", "gauge", "Number of open file descriptors.", "", BASE_OPEN_FDS + openConnections);
    out.single("process_max_fds", "gauge", "Maximum number of open file descriptors.", "", MAX_FDS);
  }
}
