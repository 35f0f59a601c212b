package run.tokenlabs.chaos.lab.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MetricsExpositionTest {
  private static final String TTFT = "0.001 0.005 0.01 0.02 0.04 0.06 0.08 0.1 0.25 0.5 0.75 1 2.5 5 7.5 10 20 40 80 "
      + "160 640 2560";
  private static final String ITL = "0.01 0.025 0.05 0.075 0.1 0.15 0.2 0.3 0.4 0.5 0.75 1 2.5 5 7.5 10 20 40 80";
  private static final String REQUEST = "0.3 0.5 0.8 1 1.5 2 2.5 5 10 15 20 30 40 50 60 120 240 480 960 1920 7680";

  private final EngineMetrics metrics = new EngineMetrics(131072);
  private static final String LABELS = "engine=\"0\",model_name=\"m\"";

  @Test
  void vllmPageHasEveryEngineNameWithModelNameAndEngineLabels() {
    String page = new MetricsExposition(MetricsExposition.Flavor.VLLM, "m", 100).render(metrics);
    for (String name : List.of("vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc",
        "vllm:num_preemptions_total", "vllm:prompt_tokens_total", "vllm:generation_tokens_total",
        "vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total", "vllm:gpu_cache_usage_perc",
        "vllm:gpu_prefix_cache_queries_total", "vllm:gpu_prefix_cache_hits_total")) {
      assertThat(page).contains("\n" + name + "{" + LABELS + "} 0\n");
    }
    for (String reason : List.of("stop", "length", "abort")) {
      assertThat(page).contains("vllm:request_success_total{" + LABELS + ",finished_reason=\"" + reason + "\"} 0");
    }
    for (String h : List.of("vllm:time_to_first_token_seconds", "vllm:inter_token_latency_seconds",
        "vllm:request_time_per_output_token_seconds", "vllm:e2e_request_latency_seconds",
        "vllm:request_queue_time_seconds", "vllm:request_prefill_time_seconds", "vllm:request_decode_time_seconds",
        "vllm:request_inference_time_seconds", "vllm:iteration_tokens_total")) {
      assertThat(page).contains("# TYPE " + h + " histogram", h + "_sum{", h + "_count{",
          h + "_bucket{" + LABELS + ",le=\"+Inf\"}");
    }
  }

  @Test
  @DisplayName("vLLM's counters and histograms each have a _created gauge, as the Python client writes them")
  void createdSeriesFollowTheirFamilies() {
    String page = new MetricsExposition(MetricsExposition.Flavor.VLLM, "m", 100).render(metrics);
    double now = System.currentTimeMillis() / 1000.0;
    for (String family : List.of("vllm:prompt_tokens", "vllm:prefix_cache_hits", "vllm:request_success",
        "vllm:time_to_first_token_seconds", "vllm:request_params_n")) {
      assertThat(page).contains("# TYPE " + family + "_created gauge\n");
      String line = page.lines().filter(l -> l.startsWith(family + "_created{")).findFirst().orElseThrow();
      assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).isBetween(now - 60, now + 1);
    }
    assertThat(page).contains("vllm:cache_config_info{block_size=\"16\"", "num_gpu_blocks=\"100\"")
        .contains("# TYPE process_cpu_seconds_total counter", "# TYPE python_gc_objects_collected_total counter")
        .doesNotContain("# TYPE vllm:prefix_cache_hits counter");
  }

  @Test
  @DisplayName("vLLM's per-request token histograms use its 1-2-5 bounds up to max_model_len")
  void oneTwoFiveBounds() {
    assertThat(EngineMetrics.oneTwoFive(4096)).containsExactly(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0,
        1000.0, 2000.0);
    assertThat(EngineMetrics.oneTwoFive(131072)).endsWith(50000.0, 100000.0);
  }

  @Test
  void bucketBoundsAreExactlyVllms() {
    String page = new MetricsExposition(MetricsExposition.Flavor.VLLM, "m", 100).render(metrics);
    assertThat(bounds(page, "vllm:time_to_first_token_seconds")).isEqualTo(TTFT);
    assertThat(bounds(page, "vllm:inter_token_latency_seconds")).isEqualTo(ITL);
    assertThat(bounds(page, "vllm:request_time_per_output_token_seconds")).isEqualTo(ITL);
    for (String h : List.of("e2e_request_latency", "request_queue_time", "request_prefill_time", "request_decode_time",
        "request_inference_time")) {
      assertThat(bounds(page, "vllm:" + h + "_seconds")).isEqualTo(REQUEST);
    }
  }

  @Test
  void histogramBucketsAreCumulative() {
    metrics.ttft.observe(0.03);
    metrics.ttft.observe(3);
    String page = new MetricsExposition(MetricsExposition.Flavor.VLLM, "m", 100).render(metrics);
    assertThat(page).contains("vllm:time_to_first_token_seconds_bucket{" + LABELS + ",le=\"0.02\"} 0",
        "vllm:time_to_first_token_seconds_bucket{" + LABELS + ",le=\"0.04\"} 1",
        "vllm:time_to_first_token_seconds_bucket{" + LABELS + ",le=\"5\"} 2",
        "vllm:time_to_first_token_seconds_count{" + LABELS + "} 2",
        "vllm:time_to_first_token_seconds_sum{" + LABELS + "} 3.03");
  }

  @Test
  void sglangPageUsesSglangNames() {
    String page = new MetricsExposition(MetricsExposition.Flavor.SGLANG, "m", 100).render(metrics);
    for (String name : List.of("sglang:prompt_tokens_total", "sglang:generation_tokens_total", "sglang:token_usage",
        "sglang:cache_hit_rate", "sglang:num_running_reqs", "sglang:num_used_tokens", "sglang:gen_throughput",
        "sglang:num_queue_reqs")) {
      assertThat(page).contains("\n" + name + "{model_name=\"m\"} ");
    }
    assertThat(page).contains("sglang:time_to_first_token_seconds_bucket", "sglang:e2e_request_latency_seconds_bucket",
        "sglang:time_per_output_token_seconds_bucket", "sglang:func_latency_seconds_bucket{name=\"generate_request\"")
        .doesNotContain("vllm:").doesNotContain("_created").doesNotContain("process_");
  }

  private static String bounds(String page, String histogram) {
    Matcher m = Pattern.compile(Pattern.quote(histogram) + "_bucket\\{" + Pattern.quote(LABELS) + ",le=\"([^\"]+)\"}").matcher(page);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      if (!m.group(1).equals("+Inf")) {
        b.append(b.length() == 0 ? "" : " ").append(m.group(1));
      }
    }
    return b.toString();
  }
}
