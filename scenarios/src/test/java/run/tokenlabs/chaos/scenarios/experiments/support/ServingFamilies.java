package run.tokenlabs.chaos.scenarios.experiments.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The serving engines' metric families the game day depends on: each one is queried by a rule in
 * {@code rules/prometheus/} or by an experiment, so a model server that does not export it leaves
 * that alert blind or that experiment without data. {@code ServingFamiliesTest} keeps the list in
 * step with the rules and the experiments' sources.
 */
public final class ServingFamilies {
  /** Family to who queries it, vLLM first, then SGLang. */
  public static final Map<String, String> REQUIRED = required();
  /** The families the reference run named when it confirmed vLLM's metrics: TTFT, TPOT, KV cache %. */
  public static final List<String> HEADLINE = List.of("vllm:time_to_first_token_seconds",
      "vllm:request_time_per_output_token_seconds", "vllm:kv_cache_usage_perc");
  /** The suffixes under which a histogram or summary family appears as series names. */
  private static final List<String> SERIES_SUFFIXES = List.of("", "_bucket", "_count", "_sum");

  private ServingFamilies() {}

  private static Map<String, String> required() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("vllm:num_requests_running", "alert VLLMMetricsAbsent; LLMD-3 bare pod; DCGM-3 dataset");
    m.put("vllm:num_requests_waiting", "SLO-1 baseline; NEXT-RUN-2 chunked prefill A/B; FAILURE-1 KV pressure; "
        + "LLMD-2 queue sweep");
    m.put("vllm:kv_cache_usage_perc", "SLO-1 baseline; FAILURE-1 KV pressure; DCGM-2 causal chain; DCGM-3 dataset");
    m.put("vllm:num_preemptions_total", "FAILURE-1 KV pressure");
    m.put("vllm:time_to_first_token_seconds", "DCGM-3 dataset; alert TokenLabsTTFTSLOBreach");
    m.put("vllm:request_queue_time_seconds", "TokenLabsTTFTSLOBreach's runbook: queueing before the first token");
    m.put("vllm:request_prefill_time_seconds", "TokenLabsTTFTSLOBreach's runbook: prefill blocking other requests");
    m.put("sglang:num_running_reqs", "alert SGLangMetricsAbsent; LLMD-3 controller pod; FAILURE-3; DCGM-3 dataset");
    m.put("sglang:generation_tokens_total", "FAILURE-3 silent truncation's token count");
    m.put("sglang:e2e_request_latency_seconds", "DCGM-2's NaN-only histogram check");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The engine prefix of a series or family name ({@code vllm:}, {@code sglang:}), or empty. */
  public static String engineOf(String name) {
    int colon = name.indexOf(':');
    return colon < 0 ? "" : name.substring(0, colon + 1);
  }

  /**
   * The required families of {@code engine} ({@code vllm:} or {@code sglang:}) that none of
   * {@code seriesNames} carries; a histogram counts as present through its {@code _bucket},
   * {@code _count} or {@code _sum} series.
   */
  public static List<String> missing(String engine, Set<String> seriesNames) {
    return REQUIRED.keySet().stream().filter(f -> f.startsWith(engine))
        .filter(f -> !present(f, seriesNames)).toList();
  }

  /** Whether {@code family} appears among {@code seriesNames}, under any of its series suffixes. */
  public static boolean present(String family, Set<String> seriesNames) {
    return SERIES_SUFFIXES.stream().anyMatch(s -> seriesNames.contains(family + s));
  }

  /** The family a series name belongs to: the name without a histogram's series suffix. */
  public static String familyOf(String seriesName) {
    for (String suffix : List.of("_bucket", "_count", "_sum")) {
      if (seriesName.endsWith(suffix)) {
        return seriesName.substring(0, seriesName.length() - suffix.length());
      }
    }
    return seriesName;
  }
}
