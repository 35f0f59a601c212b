package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * The benchmark modes that run against a server in another process ({@link ExternalServer}), so the
 * CPU this JVM reports is the client's alone: TTFT error at a number of sessions with paced tokens
 * ({@code ttft}), and the load generator beside wrk on the same server ({@code wrk}). Each line printed
 * carries the load average read before it ran: the figures are only as quiet as the machine.
 */
final class ExternalBench {
  /** Paced like a small model on a fast GPU: a token every 20 ms, 50 tokens a request. */
  private static final long PACE_MICROS = 20_000;
  private static final int PACED_TOKENS = 50;

  private ExternalBench() {}

  /**
   * Client first-chunk time minus the server's send time of the first token, per request, at
   * {@code sessions} closed-loop sessions: {@code -Dbench.warmupRounds} (default 1) warm-up rounds, then {@code -Dbench.rounds} (default 10)
   * requests per session measured. The measured load is a new client, so its first round opens every
   * connection and starts every thread at once: that round is left out of the error figures (steady state).
   */
  static void ttft(int sessions) throws Exception {
    try (var server = ExternalServer.start(PACE_MICROS)) {
      Bucket bucket = Bucket.of("A", 64, PACED_TOKENS);
      long warmRounds = Long.getLong("bench.warmupRounds", 1);
      LoadResult warm = closed(server.baseUrl(), sessions, bucket, Duration.ofSeconds(300), sessions * warmRounds);
      server.firstTokenTimes(); // the measured run numbers its requests from 0 again
      String load = loadAverage();
      long cpu = cpuNanos();
      long rounds = Long.getLong("bench.rounds", 10);
      LoadResult result;
      String runQueue;
      try (var sampler = new RunQueueSampler("load-event-loop")) {
        result = closed(server.baseUrl(), sessions, bucket, Duration.ofSeconds(300), sessions * rounds);
        runQueue = sampler.summary();
      }
      cpu = cpuNanos() - cpu;
      Map<Long, Long> sent = server.firstTokenTimes();
      var error = new Histogram(3_600_000_000L, 3);
      int unmatched = 0;
      int early = 0;
      for (RequestRecord r : result.records()) {
        Long at = sent.get(r.id());
        if (r.outcome() != Outcome.COMPLETE || at == null) {
          unmatched++;
          continue;
        }
        if (r.id() < sessions) {
          continue; // the first round: connections opened and threads started together
        }
        long nanos = result.originNanoTime() + r.firstChunkNanos() - at;
        early += nanos < 0 ? 1 : 0; // the server stamps after its write returned: the client may read first
        error.recordValue(Math.max(0, nanos) / 1000);
      }
      Histogram dispatch = result.histograms().dispatchDelayMicros();
      System.out.printf("ttft: %d sessions, %d tokens at %d ms, server pid %d%s: n=%d, TTFT error (client first chunk -"
              + " server first-token send, first round left out) p50 %d us, p99 %d us, max %d us (%d read before the server's stamp, %d"
              + " unmatched); dispatch delay p99 %d us, max %d us; client CPU %.0f us/request; %s; warm-up %s; ledger %s;"
              + " load average %s%n", sessions, PACED_TOKENS, PACE_MICROS / 1000, server.pid(), pinning(),
          error.getTotalCount(), error.getValueAtPercentile(50), error.getValueAtPercentile(99), error.getMaxValue(),
          early, unmatched, dispatch.getValueAtPercentile(99), dispatch.getMaxValue(),
          cpu / 1000.0 / Math.max(1, result.recordCount()), runQueue, warm.ledger(), result.ledger(), load);
    }
  }

  /**
   * wrk and the load generator, one after the other on the same server, at concurrency 64, streaming
   * {@code tokens} unpaced tokens a request (the same body: stream, usage chunk, {@code [DONE]}), 10 s
   * each after a warm-up: requests and tokens per second, their ratio, and the client's CPU.
   */
  static void wrk(int tokens) throws Exception {
    try (var server = ExternalServer.start(0)) {
      String body = "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":" + tokens
          + ",\"prompt\":\"" + PreparedPrompt.requestLine(1) + "one two three four five six seven eight\"}";
      String load = loadAverage();
      runWrk(server.baseUrl(), body, Duration.ofSeconds(2));
      double wrk = runWrk(server.baseUrl(), body, Duration.ofSeconds(10));
      Bucket bucket = Bucket.of("A", 16, tokens);
      closed(server.baseUrl(), 64, bucket, Duration.ofSeconds(2), Long.MAX_VALUE);
      server.firstTokenTimes(); // forget the warm-up's times: the server keeps one per request number
      long cpu = cpuNanos();
      LoadResult result = closed(server.baseUrl(), 64, bucket, Duration.ofSeconds(10), Long.MAX_VALUE);
      cpu = cpuNanos() - cpu;
      long complete = result.ledger().count(Outcome.COMPLETE);
      double rps = complete / (result.wallTime().toNanos() / 1e9);
      System.out.printf("wrk: %d-token streams, concurrency 64, server pid %d%s: wrk %.0f req/s (%.0f tokens/s);"
              + " load generator %.0f req/s (%.0f tokens/s), ratio %.2f; client CPU %.1f us/request, %.2f us/token;"
              + " ledger %s; load average %s%n", tokens, server.pid(), pinning(), wrk, wrk * tokens, rps, rps * tokens,
          rps / wrk, cpu / 1000.0 / Math.max(1, complete), cpu / 1000.0 / Math.max(1, complete * tokens),
          result.ledger(), load);
    }
  }

  private static LoadResult closed(String baseUrl, int sessions, Bucket bucket, Duration duration, long requests) {
    return Load.closedLoop(Endpoint.completions(baseUrl, "m"), sessions)
        .withWorkload(bucket)
        .withBounds(new Bounds(duration, requests, Duration.ofSeconds(60)))
        .withProgress(Progress.none())
        .run();
  }

  /**
   * wrk POSTing {@code body} at 64 connections, with {@code -Dbench.wrkThreads} threads (2): its requests
   * per second, refused if any answer failed. It runs on the CPUs this JVM was given (taskset's affinity
   * is inherited).
   */
  private static double runWrk(String baseUrl, String body, Duration duration) throws IOException, InterruptedException {
    Path script = Files.createTempFile("load-bench", ".lua");
    try {
      Files.writeString(script, "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
          + "wrk.headers[\"Accept\"] = \"text/event-stream\"\nwrk.body = '" + body + "'\n");
      var command = new ArrayList<>(List.of("wrk", "-t" + Integer.getInteger("bench.wrkThreads", 2), "-c64",
          "--timeout", "60s", "-d" + duration.toSeconds() + "s", "-s", script.toString(), baseUrl + "/v1/completions"));
      var process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      if (out.contains("Non-2xx") || out.contains("Socket errors")) {
        throw new IllegalStateException("wrk saw failed requests, so its rate is not comparable:\n" + out);
      }
      for (String line : out.split("\n")) {
        if (line.startsWith("Requests/sec:")) {
          return Double.parseDouble(line.substring(13).trim());
        }
      }
      throw new IllegalStateException("wrk printed no Requests/sec (is the Debian package wrk installed?):\n" + out);
    } finally {
      Files.deleteIfExists(script);
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The 1-, 5- and 15-minute load averages, from /proc/loadavg. */
  static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  private static String pinning() {
    String cpus = System.getProperty("bench.serverCpus");
    return cpus == null ? "" : " (server on CPUs " + cpus + ")";
  }
}
