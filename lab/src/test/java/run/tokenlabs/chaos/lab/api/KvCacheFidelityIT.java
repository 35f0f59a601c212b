package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** FAILURE-1 of the reference run: where KV pressure does and does not build up on GB10. */
@LabTest(rules = "src/test/resources/lab-rules")
class KvCacheFidelityIT {
  private static final String MODEL = "deepseek-r1-7b";

  @Test
  @DisplayName("gb10: 12 concurrent 700-token prompts with R1 reasoning outputs peak under 5% KV (reference 1.98%)")
  void twelveShortSessionsStayLow(Lab lab) throws Exception {
    List<OpenAiCalls.Result> results = new ArrayList<>();
    double peak = runWhileSampling(lab, 12, () -> "{\"model\":\"" + MODEL + "\",\"prompt\":\""
        + OpenAiCalls.words(700) + "\",\"stream\":true}", results);

    assertThat(results).allSatisfy(r -> assertThat(r.done()).isTrue());
    assertThat(peak).as("KV-cache peak sampled every 20 ms").isGreaterThan(0.005).isLessThan(0.05);
  }

  @Test
  @DisplayName("gb10: 64 sessions of 32k-token prompts overflow the cache: KV >= 95% and preemptions counted")
  void sixtyFourLongSessionsOverflow(Lab lab) throws Exception {
    long preemptionsBefore = preemptions(lab);
    List<OpenAiCalls.Result> results = new ArrayList<>();
    double peak = runWhileSampling(lab, 64, () -> OpenAiCalls.completionBody(MODEL, OpenAiCalls.words(32_000), 300,
        true), results);

    assertThat(results).allSatisfy(r -> assertThat(r.done()).as(String.valueOf(r)).isTrue());
    assertThat(peak).as("KV-cache peak sampled every 20 ms").isGreaterThanOrEqualTo(0.95);
    assertThat(preemptions(lab)).isGreaterThan(preemptionsBefore);
    await("Prometheus sees the preemptions").atMost(Duration.ofSeconds(10)).until(() -> PromQueries.single(lab,
        "vllm:num_preemptions_total{model_name=\"deepseek-r1-7b\"}") > 0);
  }

  /** Runs {@code sessions} concurrent streams while sampling the pod's own /metrics; returns the KV peak. */
  private static double runWhileSampling(Lab lab, int sessions, java.util.function.Supplier<String> body,
                                         List<OpenAiCalls.Result> results) throws Exception {
    lab.modelUrl(MODEL).orElseThrow();
    await().atMost(Duration.ofSeconds(15)).until(() -> lab.modelStats(MODEL).stream().anyMatch(s -> s.running() == 0));
    URI metrics = lab.modelUrl(MODEL).orElseThrow().resolve("/metrics");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicReference<Double> peak = new AtomicReference<>(0.0);
    ExecutorService pool = Executors.newFixedThreadPool(sessions + 1);
    try {
      pool.submit(() -> {
        while (running.get()) {
          double kv = OpenAiCalls.metric(OpenAiCalls.get(metrics), "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\""
              + MODEL + "\"}");
          peak.accumulateAndGet(kv, Math::max);
          Thread.sleep(20);
        }
        return null;
      });
      List<Future<OpenAiCalls.Result>> calls = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        String payload = body.get(); // one prompt per session: the same prompt would share its KV blocks
        calls.add(pool.submit(() -> OpenAiCalls.stream(lab.gatewayUrl(), payload, System.nanoTime())));
      }
      for (Future<OpenAiCalls.Result> f : calls) {
        results.add(f.get(120, TimeUnit.SECONDS));
      }
    } finally {
      running.set(false);
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
    return peak.get();
  }

  private static long preemptions(Lab lab) {
    return lab.modelStats(MODEL).stream().mapToLong(ModelStats::preemptions).sum();
  }
}
