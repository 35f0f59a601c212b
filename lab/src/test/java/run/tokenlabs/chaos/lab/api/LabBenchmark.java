package run.tokenlabs.chaos.lab.api;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The lab's benchmark (not a test: it asserts nothing and prints figures). Run it as the README
 * says. Measures: lab start time; tokens per second streamed through the gateway and straight from
 * a pod with the GPU clock made negligible (so the CPU is the limit); and whether 64 concurrent
 * 32k-token sessions keep the scheduler on its own step clock. All traffic is to 127.0.0.1 and bounded.
 */
public final class LabBenchmark {
  private LabBenchmark() {}

  /** Arguments: any of {@code start}, {@code throughput}, {@code long}; none runs all three. */
  public static void main(String[] args) throws Exception {
    java.util.Set<String> parts = args.length == 0 ? java.util.Set.of("start", "throughput", "long")
        : java.util.Set.of(args);
    if (parts.contains("start")) {
      startTime();
    }
    if (parts.contains("throughput")) {
      throughput();
    }
    if (parts.contains("long")) {
      longContext();
    }
  }

  private static void startTime() {
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      try (Lab lab = Lab.start(LabProfile.gb10())) {
        long started = System.nanoTime();
        lab.awaitTargetsScraped(Duration.ofSeconds(30));
        long scraped = System.nanoTime();
        System.out.printf("start #%d: Lab.start %d ms (models Ready, Prometheus ready); all targets scraped after "
            + "%d ms%n", i + 1, (started - t0) / 1_000_000, (scraped - t0) / 1_000_000);
        System.out.println("  phases: " + lab.startupPhases());
      }
    }
  }

  private static void throughput() throws Exception {
    // Time scale 1e-5: a step costs microseconds, so what limits tokens/s is this machine's CPU.
    try (Lab lab = Lab.builder(LabProfile.gb10()).timeScale(0.00001).start()) {
      for (int streams : new int[] {1, 8, 32}) {
        measure("gateway", lab.gatewayUrl(), streams);
        measure("direct ", lab.modelUrl(LabProfile.LLAMA).orElseThrow(), streams);
      }
    }
  }

  private static void measure(String via, URI base, int streams) throws Exception {
    int tokensPerStream = 4000;
    String body = OpenAiCalls.completionBody(LabProfile.LLAMA, "tok tok", tokensPerStream, true);
    ExecutorService pool = Executors.newFixedThreadPool(streams);
    try {
      OpenAiCalls.stream(base, body, System.nanoTime()); // warm-up
      long t0 = System.nanoTime();
      List<Future<OpenAiCalls.Result>> calls = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        calls.add(pool.submit(() -> OpenAiCalls.stream(base, body, System.nanoTime())));
      }
      long tokens = 0;
      for (Future<OpenAiCalls.Result> f : calls) {
        tokens += f.get(300, TimeUnit.SECONDS).dataChunks();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("throughput %s %2d streams: %,d tokens in %.2f s = %,.0f tokens/s (SSE events/s)%n", via,
          streams, tokens, seconds, tokens / seconds);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void longContext() throws Exception {
    try (Lab lab = Lab.start(LabProfile.gb10())) {
      String body = OpenAiCalls.completionBody(LabProfile.DEEPSEEK, OpenAiCalls.words(32_000), 500, true);
      ExecutorService pool = Executors.newFixedThreadPool(64);
      long t0 = System.nanoTime();
      List<Future<OpenAiCalls.Result>> calls = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        calls.add(pool.submit(() -> OpenAiCalls.stream(lab.gatewayUrl(), body, System.nanoTime())));
      }
      int done = 0;
      for (Future<OpenAiCalls.Result> f : calls) {
        done += f.get(300, TimeUnit.SECONDS).done() ? 1 : 0;
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      pool.shutdownNow();
      ModelStats s = lab.modelStats(LabProfile.DEEPSEEK).get(0);
      System.out.printf("64 x 32k sessions (500 output tokens each): %d/64 completed in %.2f s wall; %d steps, step "
          + "clock planned %.2f s; max step lag %.2f ms, last %.2f ms; %d preemptions%n", done, wall, s.steps(),
          s.plannedStepTime().toNanos() / 1e9, s.maxStepLag().toNanos() / 1e6, s.lastStepLag().toNanos() / 1e6,
          s.preemptions());
    }
  }
}
