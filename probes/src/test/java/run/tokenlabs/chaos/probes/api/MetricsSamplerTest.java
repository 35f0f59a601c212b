package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ProbeException;

class MetricsSamplerTest {
  static String kv(double usage) {
    return "# TYPE vllm:kv_cache_usage_perc gauge\n"
        + "vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"deepseek\"} " + usage + "\n"
        + "vllm:num_requests_running{engine=\"0\",model_name=\"deepseek\"} 4\n"
        + "vllm:unrelated_total 7\n";
  }

  @Test
  @DisplayName("a short KV-cache peak is caught and kept in its phase; min, max and mean per phase")
  void peaksPerPhase() throws Exception {
    try (TestExporter exporter = new TestExporter().serve(kv(0.2));
         MetricsSampler sampler = MetricsSampler.builder().target("deepseek", exporter.metricsUrl())
             .metrics("vllm:kv_cache_usage_perc").interval(Duration.ofMillis(20)).start()) {
      awaitScrapes(exporter, 3);
      sampler.phase("fault");
      // a scrape counts in the phase it started in: let the in-flight one finish before the value changes
      awaitScrapes(exporter, exporter.scrapes.get() + 2);
      exporter.serve(kv(0.97));
      awaitScrapes(exporter, exporter.scrapes.get() + 2);
      exporter.serve(kv(0.3));
      awaitScrapes(exporter, exporter.scrapes.get() + 3);

      SeriesStats baseline = sampler.peak("vllm:kv_cache_usage_perc", "baseline").orElseThrow();
      SeriesStats fault = sampler.peak("vllm:kv_cache_usage_perc", "fault").orElseThrow();
      assertThat(baseline.max()).isEqualTo(0.2);
      assertThat(baseline.min()).isEqualTo(0.2);
      assertThat(fault.max()).isEqualTo(0.97);
      assertThat(fault.min()).isEqualTo(0.2);
      assertThat(fault.mean()).isStrictlyBetween(0.2, 0.97);
      assertThat(fault.peakAt()).isAfterOrEqualTo(fault.first()).isBeforeOrEqualTo(fault.last());
      assertThat(fault.series()).isEqualTo("vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"deepseek\"}");
      assertThat(sampler.stats()).extracting(SeriesStats::series).allMatch(s -> s.startsWith("vllm:kv_cache_usage_perc"));
      assertThat(sampler.phases()).containsExactly("baseline", "fault");
    }
  }

  @Test
  @DisplayName("a target that goes down leaves a gap, never a zero; the gap closes when it returns")
  void downTargetLeavesAGap() throws Exception {
    TestExporter exporter = new TestExporter().serve(kv(0.5));
    URI url = exporter.metricsUrl();
    try (MetricsSampler sampler = MetricsSampler.builder().target("deepseek", url).metrics("vllm:kv_cache_usage_perc")
        .interval(Duration.ofMillis(20)).scrapeTimeout(Duration.ofMillis(500)).start()) {
      awaitScrapes(exporter, 2);
      exporter.close();
      await("a failed scrape").atMost(Duration.ofSeconds(10)).until(() -> sampler.failedScrapes() >= 3);
      sampler.phase("down");
      await("more failed scrapes").atMost(Duration.ofSeconds(10)).until(() -> sampler.failedScrapes() >= 6);

      assertThat(sampler.gaps()).singleElement().satisfies(gap -> {
        assertThat(gap.target()).isEqualTo("deepseek");
        assertThat(gap.to()).isEmpty();
        assertThat(gap.failures()).isGreaterThanOrEqualTo(3);
        // the first failed scrape may hit the closing socket mid-response or the closed port: both are I/O failures
        assertThat(gap.reason()).containsAnyOf("ConnectException", "IOException", "ProtocolException",
            "SocketException", "EOFException");
      });
      assertThat(sampler.peak("vllm:kv_cache_usage_perc", "down")).isEmpty();
      assertThat(sampler.peak("vllm:kv_cache_usage_perc", "baseline").orElseThrow().min()).isEqualTo(0.5);
    }
  }

  @Test
  void maxSeriesBoundsMemory() throws Exception {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      many.append("vllm:num_requests_running{engine=\"").append(i).append("\"} 1\n");
    }
    try (TestExporter exporter = new TestExporter().serve(many.toString());
         MetricsSampler sampler = MetricsSampler.builder().target("m", exporter.metricsUrl())
             .metrics("vllm:num_requests_running").maxSeries(10).interval(Duration.ofMillis(20)).start()) {
      awaitScrapes(exporter, 2);
      assertThat(sampler.stats("vllm:num_requests_running", "baseline")).hasSize(10);
      assertThat(sampler.droppedSeries()).isGreaterThanOrEqualTo(40);
    }
  }

  @Test
  @DisplayName("VllmProbes: one-shot sum of a metric, no data when absent, ERROR when the server is down")
  void oneShotMetric() throws Exception {
    try (TestExporter exporter = new TestExporter().serve(kv(0.25))) {
      URI base = URI.create(exporter.metricsUrl().toString().replace("/metrics", "/"));
      VllmProbes vllm = VllmProbes.using(Map.of("deepseek", base), Duration.ofSeconds(2));

      assertThat(vllm.metric("deepseek", "vllm:kv_cache_usage_perc").read().value()).contains(0.25);
      assertThat(vllm.metric("deepseek", "vllm:num_preemptions_total").read().hasValue()).isFalse();
      exporter.close();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> vllm.metric("deepseek", "vllm:kv_cache_usage_perc").read())
          .isInstanceOf(ProbeException.class).hasMessageContaining("did not answer");
    }
  }

  private static void awaitScrapes(TestExporter exporter, int atLeast) {
    await("scrapes").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> exporter.scrapes.get() >= atLeast);
  }
}
