package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.HdrHistogram.Histogram;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.ClientPool;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * The load generator's benchmark (see load/README.md): client overhead at 64 streams, parse
 * throughput, requests per second beside wrk, heap for 64 x 32k-token sessions. Every run is bounded
 * and talks to 127.0.0.1 only. Arguments: any of overhead, parse, rps, heap, soak (default: the first four;
 * soak runs {@code -Dsoak.seconds}, 600 by default, and needs the GC log, see {@link #soak(Duration)}), and
 * the modes against a server in its own process ({@link ExternalBench}): ttft64, ttft256 (TTFT error at 64
 * and 256 sessions, paced tokens), wrk1, wrk64 (beside wrk, 1- and 64-token streams).
 */
public final class LoadBench {
  private LoadBench() {}

  public static void main(String[] args) throws Exception {
    List<String> modes = args.length == 0 ? List.of("overhead", "parse", "rps", "heap") : List.of(args);
    for (String mode : modes) {
      switch (mode) {
        case "overhead" -> overhead();
        case "parse" -> parse();
        case "rps" -> rps();
        case "heap" -> heap();
        case "soak" -> soak(Duration.ofSeconds(Long.getLong("soak.seconds", 600)));
        case "ttft64" -> ExternalBench.ttft(64);
        case "ttft256" -> ExternalBench.ttft(256);
        case "wrk1" -> ExternalBench.wrk(1);
        case "wrk64" -> ExternalBench.wrk(64);
        default -> throw new IllegalArgumentException("unknown mode " + mode
            + "; use overhead, parse, rps, heap, soak, ttft64, ttft256, wrk1, wrk64");
      }
    }
  }

  /** Client TTFT minus the server's own first-token flush, same clock, 64 concurrent streams. */
  static void overhead() throws Exception {
    var stream = SseTestServer.Behaviour.normal().tokens(50, Duration.ofMillis(20));
    try (var server = SseTestServer.start(s -> stream)) {
      LoadResult warm = closed(server, 64, 64, Bucket.of("A", 64, 50));
      LoadResult result = closed(server, 64, 320, Bucket.of("A", 64, 50));
      var h = new Histogram(3_600_000_000L, 3);
      for (RequestRecord r : result.records()) {
        Long sent = server.firstTokenSentNanos().get(r.id());
        if (r.outcome() == Outcome.COMPLETE && sent != null) {
          h.recordValue(Math.max(0, (result.originNanoTime() + r.firstChunkNanos() - sent) / 1000));
        }
      }
      System.out.printf("overhead: 64 streams, n=%d (warm-up %s): client TTFT - server first-token send: p50 %d us,"
          + " p99 %d us, max %d us; ledger %s%n", h.getTotalCount(), warm.ledger().count(Outcome.COMPLETE),
          h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue(), result.ledger());
    }
  }

  /** Parse-only (SSE reader + chunk decoder on an in-memory stream) and end-to-end streamed tokens per second. */
  static void parse() throws Exception {
    var text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append("data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1700000000,\"model\":\"m\","
          + "\"choices\":[{\"index\":0,\"text\":\" tok\",\"logprobs\":null,\"finish_reason\":null}]}\n\n");
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 15; round++) {
      long t0 = System.nanoTime();
      var reader = new SseEventReader(new Buffer().write(bytes), StreamConsumer.MAX_LINE_BYTES,
          Bounds.DEFAULT_MAX_EVENT_BYTES);
      var decoder = new ChunkDecoder();
      var chunk = new Chunk();
      String data;
      int n = 0;
      while ((data = reader.next()) != null) {
        decoder.decode(data, chunk);
        n += chunk.contentChars > 0 ? 1 : 0;
      }
      if (n != 20_000) {
        throw new IllegalStateException("parsed " + n);
      }
      best = Math.min(best, System.nanoTime() - t0);
    }
    System.out.printf("parse: SSE reader + chunk decoder, in memory: %.0f chunks/s (best of 15 x 20000)%n", 20_000 / (best / 1e9));
    try (var server = SseTestServer.start(s -> SseTestServer.Behaviour.normal())) {
      closed(server, 8, 16, Bucket.of("A", 16, 4000));
      LoadResult result = closed(server, 8, 64, Bucket.of("A", 16, 4000));
      long tokens = result.records().stream().mapToLong(RequestRecord::tokensReceived).sum();
      System.out.printf("parse: end to end over loopback, 8 streams of 4000 unpaced tokens, server in the same JVM:"
          + " %.0f tokens/s (%d tokens in %d ms); ledger %s%n", tokens / (result.wallTime().toNanos() / 1e9), tokens,
          result.wallTime().toMillis(), result.ledger());
    }
  }

  /** Requests per second at concurrency 64: wrk, the configured OkHttp client (non-streaming), the load generator (1-token streams). */
  static void rps() throws Exception {
    try (var server = SseTestServer.start(s -> SseTestServer.Behaviour.normal())) {
      String body = "{\"model\":\"m\",\"prompt\":\"Request 00000001. hello world\",\"max_tokens\":1}";
      double wrk = wrk(server, body);
      double okhttp = okhttpNonStreaming(server, body, Duration.ofSeconds(10));
      closed(server, 64, 2_000, Bucket.of("A", 8, 1));
      long t0 = System.nanoTime();
      LoadResult result = closed(server, 64, 20_000, Bucket.of("A", 8, 1));
      double load = result.ledger().count(Outcome.COMPLETE) / ((System.nanoTime() - t0) / 1e9);
      System.out.printf("rps: concurrency 64: wrk %.0f req/s (non-streaming); OkHttp client as configured by the load "
          + "generator %.0f req/s (non-streaming, ratio %.2f); load generator %.0f req/s (1-token SSE streams, full "
          + "accounting, ratio %.2f); ledger %s%n", wrk, okhttp, okhttp / wrk, load, load / wrk, result.ledger());
    }
  }

  /**
   * 64 closed-loop sessions of 32k-token prompts; the heap after every collection during the run, read
   * from the GC log ({@link #gcLog()}), and the heap in use sampled every 100 ms.
   */
  static void heap() throws Exception {
    Path gcLog = gcLog();
    var stream = SseTestServer.Behaviour.normal().tokens(256, Duration.ofMillis(10));
    var peakUsed = new AtomicLong();
    var sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    try (var server = SseTestServer.start(s -> stream)) {
      double from = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
      sampler.start();
      LoadResult result = closed(server, 64, 192, Bucket.longContext());
      sampler.interrupt();
      double to = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
      var during = GcLog.read(gcLog).stream().filter(p -> p.uptimeSeconds() >= from && p.uptimeSeconds() <= to).toList();
      long peakAfterGc = during.stream().mapToLong(GcLog.Pause::afterBytes).max().orElse(-1);
      System.out.printf("heap: 64 sessions x 32k-token prompts (%d bytes each, shared), 192 requests of 256 tokens, max heap"
          + " %d MB: %d collections during the run, peak heap after GC %s, peak heap used %d MB; prompt exact=%s;"
          + " ledger %s%n", result.prompts().get(0).bytes(), Runtime.getRuntime().maxMemory() >> 20, during.size(),
          peakAfterGc < 0 ? "n/a (no collection)" : (peakAfterGc >> 20) + " MB", peakUsed.get() >> 20,
          result.prompts().get(0).exact(), result.ledger());
    }
  }

  /** The GC log this JVM writes: heap after GC is read from it, never from a memory pool's collection usage. */
  private static Path gcLog() {
    String path = System.getProperty("bench.gclog");
    if (path == null) {
      throw new IllegalStateException("heap and soak read the heap after GC from the JVM's GC log: start the JVM with"
          + " -Xlog:gc:file=load/target/bench-gc.log -Dbench.gclog=load/target/bench-gc.log");
    }
    return Path.of(path);
  }

  /**
   * Live heap over a long run: 64 closed-loop sessions of unpaced 64-token streams for {@code duration}
   * against a server in this JVM, or in its own process with {@code -Dbench.external=true};
   * every 30 s the sampler asks for a full collection, and the heap after each one is read from the
   * JVM's GC log, which must be on: {@code -Xlog:gc:file=<path>} and {@code -Dbench.gclog=<path>}.
   */
  static void soak(Duration duration) throws Exception {
    Path gcLog = gcLog();
    var requests = new java.util.concurrent.ConcurrentSkipListMap<Double, Long>();
    var sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      var t = new Thread(r, "soak-sampler");
      t.setDaemon(true);
      return t;
    });
    boolean external = Boolean.getBoolean("bench.external");
    var inProcess = external ? null : SseTestServer.start(s -> SseTestServer.Behaviour.normal()).forgettingFirstTokenTimes();
    var outside = external ? ExternalServer.start(0).forgettingFirstTokenTimes() : null;
    String baseUrl = external ? outside.baseUrl() : inProcess.baseUrl();
    java.util.function.IntSupplier servedSoFar = external ? outside::completions : inProcess::completions;
    try {
      System.out.printf("soak: server %s; load average %s%n", external ? "in its own process, pid " + outside.pid()
          : "in this JVM", ExternalBench.loadAverage());
      sampler.scheduleAtFixedRate(() -> {
        System.gc(); // a full collection under G1: what remains is live
        requests.put(ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0, (long) servedSoFar.getAsInt());
      }, 30, 30, java.util.concurrent.TimeUnit.SECONDS);
      LoadResult result = Load.closedLoop(Endpoint.completions(baseUrl, "m"), 64)
          .withWorkload(Bucket.of("A", 16, 64))
          .withBounds(new Bounds(duration, Long.MAX_VALUE, Duration.ofSeconds(60)))
          .withProgress(Progress.none())
          .run();
      sampler.shutdownNow();
      List<GcLog.Pause> fulls = GcLog.read(gcLog).stream().filter(GcLog.Pause::full).toList();
      System.out.printf("soak: %d s, 64 sessions x 64-token streams, %d requests (%.0f req/s), ledger %s, max heap %d MB%n",
          duration.toSeconds(), result.recordCount(), result.recordCount() / (result.wallTime().toNanos() / 1e9),
          result.ledger(), Runtime.getRuntime().maxMemory() >> 20);
      System.out.println("soak: uptime s | requests served so far | live heap after full GC (MB)");
      for (GcLog.Pause p : fulls) {
        var served = requests.floorEntry(p.uptimeSeconds() + 1);
        System.out.printf("soak: %7.1f | %9d | %5.1f%n", p.uptimeSeconds(), served == null ? 0 : served.getValue(),
            p.afterBytes() / 1048576.0);
      }
      if (fulls.size() >= 2) {
        long first = fulls.get(0).afterBytes();
        long max = fulls.stream().mapToLong(GcLog.Pause::afterBytes).max().orElseThrow();
        long last = fulls.get(fulls.size() - 1).afterBytes();
        System.out.printf("soak: live heap after GC: first %.1f MB, last %.1f MB, max %.1f MB (last/first %.2f)%n",
            first / 1048576.0, last / 1048576.0, max / 1048576.0, (double) last / first);
      }
      System.out.printf("soak: load average at the end %s%n", ExternalBench.loadAverage());
    } finally {
      sampler.shutdownNow();
      if (inProcess != null) {
        inProcess.close();
      }
      if (outside != null) {
        outside.close();
      }
    }
  }

  private static LoadResult closed(SseTestServer server, int concurrency, long requests, Bucket bucket) {
    return Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), concurrency)
        .withWorkload(bucket)
        .withBounds(new Bounds(Duration.ofSeconds(60), requests, Duration.ofSeconds(60)))
        .withPool(ClientPool.sizedFromLoad())
        .withProgress(Progress.none())
        .run();
  }

  private static double wrk(SseTestServer server, String body) throws IOException, InterruptedException {
    Path script = Files.createTempFile("load-bench", ".lua");
    try {
      Files.writeString(script, "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = '"
          + body + "'\n");
      var process = new ProcessBuilder("wrk", "-t2", "-c64", "-d10s", "-s", script.toString(),
          server.baseUrl() + "/v1/completions").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      for (String line : out.split("\n")) {
        if (line.startsWith("Requests/sec:")) {
          return Double.parseDouble(line.substring(13).trim());
        }
      }
      throw new IllegalStateException("wrk printed no Requests/sec:\n" + out);
    } finally {
      Files.deleteIfExists(script);
    }
  }

  private static double okhttpNonStreaming(SseTestServer server, String body, Duration duration) throws InterruptedException {
    var spec = Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), 64);
    OkHttpClient client = HttpClients.build(spec, okhttp3.EventListener.NONE);
    var done = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    var threads = new ArrayList<Thread>();
    for (int i = 0; i < 64; i++) {
      var t = new Thread(() -> {
        while (System.nanoTime() < end) {
          var request = new Request.Builder().url(server.baseUrl() + "/v1/completions")
              .post(RequestBody.create(body, MediaType.get("application/json"))).build();
          try (Response response = client.newCall(request).execute()) {
            response.body().bytes();
            if (response.code() == 200) {
              done.incrementAndGet();
            }
          } catch (IOException e) {
            return;
          }
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    HttpClients.shutdown(client);
    return done.get() / (duration.toNanos() / 1e9);
  }
}
