package run.tokenlabs.chaos.lab.simulator;

import run.tokenlabs.chaos.lab.metrics.Counter;
import run.tokenlabs.chaos.lab.metrics.Histogram;
import run.tokenlabs.chaos.lab.metrics.TextFormat;

/**
 * Renders {@link EngineMetrics} as a model server's {@code /metrics} page, with vLLM 0.10's families
 * (V1 engine, labels {@code model_name} and {@code engine}) or SGLang's ({@code --enable-metrics}).
 *
 * <p>Both engines publish through the Prometheus Python client, and the page follows what that
 * client writes. vLLM (one API server) uses its default registry: every counter is exposed as
 * {@code <name>_total}, and every counter and histogram has a {@code <name>_created} gauge family
 * after it; the process and Python collectors add their families ({@link ProcessMetrics}); the HTTP
 * instrumentator adds {@code http_*} ({@link HttpInstrumentation}). SGLang runs the client in
 * multiprocess mode, which writes neither {@code _created} series nor process families. The
 * families vLLM 0.10 marks deprecated but still serves ({@code vllm:gpu_cache_usage_perc},
 * {@code vllm:gpu_prefix_cache_*}, {@code vllm:time_per_output_token_seconds}) are here too.
 */
public final class MetricsExposition {
  /** Which serving engine's metric names to speak. */
  public enum Flavor { VLLM, SGLANG }

  private final Flavor flavor;
  private final String modelLabel;
  private final String cacheConfigLabels;
  private final ProcessMetrics process = new ProcessMetrics();
  private long lastGenerated;
  private long lastNanos = System.nanoTime();

  /**
   * @param kvBlocks KV-cache blocks of the GPU, shown in vLLM's {@code vllm:cache_config_info}
   */
  public MetricsExposition(Flavor flavor, String modelName, long kvBlocks) {
    this.flavor = flavor;
    this.modelLabel = flavor == Flavor.VLLM
        ? TextFormat.join(TextFormat.label("engine", "0"), TextFormat.label("model_name", modelName))
        : TextFormat.label("model_name", modelName);
    this.cacheConfigLabels = cacheConfig(kvBlocks);
  }

  /** The page; {@code openConnections} feeds {@code process_open_fds}. */
  public synchronized String render(EngineMetrics m, int openConnections) {
    TextFormat out = new TextFormat();
    if (flavor == Flavor.VLLM) {
      process.writeTo(out, m, openConnections);
      vllm(out, m);
      m.http.writeTo(out);
    } else {
      sglang(out, m);
    }
    return out.toString();
  }

  /** The page of a server with no open connection. */
  public String render(EngineMetrics m) {
    return render(m, 0);
  }

  private void vllm(TextFormat out, EngineMetrics m) {
    String l = modelLabel;
    out.single("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.", l, m.running);
    out.single("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.", l, m.waiting);
    out.single("vllm:gpu_cache_usage_perc", "gauge", "GPU KV-cache usage. 1 means 100 percent usage.DEPRECATED: Use "
        + "vllm:kv_cache_usage_perc instead.", l, m.kvUsage);
    out.single("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", l, m.kvUsage);
    counter(out, "vllm:gpu_prefix_cache_queries", "GPU prefix cache queries, in terms of number of queried tokens."
        + "DEPRECATED: Use vllm:prefix_cache_queries instead.", m.prefixCacheQueries);
    counter(out, "vllm:gpu_prefix_cache_hits", "GPU prefix cache hits, in terms of number of cached tokens."
        + "DEPRECATED: Use vllm:prefix_cache_hits instead.", m.prefixCacheHits);
    counter(out, "vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.",
        m.prefixCacheQueries);
    counter(out, "vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.",
        m.prefixCacheHits);
    counter(out, "vllm:num_preemptions", "Cumulative number of preemption from the engine.", m.preemptions);
    counter(out, "vllm:prompt_tokens", "Number of prefill tokens processed.", m.promptTokens);
    counter(out, "vllm:generation_tokens", "Number of generation tokens processed.", m.generationTokens);
    requestSuccess(out, m);
    histogram(out, "vllm:request_prompt_tokens", "Number of prefill tokens processed.", m.requestPromptTokens);
    histogram(out, "vllm:request_generation_tokens", "Number of generation tokens processed.",
        m.requestGenerationTokens);
    histogram(out, "vllm:iteration_tokens_total", "Histogram of number of tokens per engine_step.",
        m.iterationTokens);
    histogram(out, "vllm:request_max_num_generation_tokens", "Histogram of maximum number of requested generation "
        + "tokens.", m.requestMaxNumGenerationTokens);
    histogram(out, "vllm:request_params_n", "Histogram of the n request parameter.", m.requestParamsN);
    histogram(out, "vllm:request_params_max_tokens", "Histogram of the max_tokens request parameter.",
        m.requestParamsMaxTokens);
    histogram(out, "vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", m.ttft);
    histogram(out, "vllm:time_per_output_token_seconds", "Histogram of time per output token in seconds."
        + "DEPRECATED: Use vllm:inter_token_latency_seconds instead.", m.timePerOutputTokenDeprecated);
    histogram(out, "vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.",
        m.interTokenLatency);
    histogram(out, "vllm:request_time_per_output_token_seconds", "Histogram of time_per_output_token_seconds per "
        + "request.", m.timePerOutputToken);
    histogram(out, "vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", m.e2e);
    histogram(out, "vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.",
        m.queueTime);
    histogram(out, "vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.",
        m.inferenceTime);
    histogram(out, "vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.",
        m.prefillTime);
    histogram(out, "vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.",
        m.decodeTime);
    out.single("vllm:cache_config_info", "gauge", "Information of the LLMEngine CacheConfig", cacheConfigLabels, 1);
  }

  private void requestSuccess(TextFormat out, EngineMetrics m) {
    String help = "Count of successfully processed requests.";
    String[] reasons = {"stop", "length", "abort"};
    out.header("vllm:request_success_total", "counter", help);
    for (String reason : reasons) {
      Counter c = m.success.get(reason);
      out.sample("vllm:request_success_total", successLabels(reason), c == null ? 0 : c.get());
    }
    out.header("vllm:request_success_created", "gauge", help);
    for (String reason : reasons) {
      out.sample("vllm:request_success_created", successLabels(reason), process.startEpochSeconds());
    }
  }

  private String successLabels(String reason) {
    return TextFormat.join(modelLabel, TextFormat.label("finished_reason", reason));
  }

  private void sglang(TextFormat out, EngineMetrics m) {
    String l = modelLabel;
    out.single("sglang:prompt_tokens_total", "counter", "Number of prefill tokens processed.", l, m.promptTokens.get());
    out.single("sglang:generation_tokens_total", "counter", "Number of generation tokens processed.", l,
        m.generationTokens.get());
    out.single("sglang:token_usage", "gauge", "The token usage.", l, m.kvUsage);
    out.single("sglang:cache_hit_rate", "gauge", "The prefix cache hit rate.", l, hitRate(m));
    out.single("sglang:num_running_reqs", "gauge", "The number of running requests.", l, m.running);
    out.single("sglang:num_queue_reqs", "gauge", "The number of requests in the waiting queue.", l, m.waiting);
    out.single("sglang:num_used_tokens", "gauge", "The number of used tokens.", l, m.kvUsedTokens);
    out.single("sglang:gen_throughput", "gauge", "The generation throughput (token/s).", l, throughput(m));
    sglangHistogram(out, "sglang:time_to_first_token_seconds", "Histogram of time to first token in seconds.", l,
        m.ttft);
    sglangHistogram(out, "sglang:e2e_request_latency_seconds", "Histogram of End-to-end request latency in seconds",
        l, m.e2e);
    sglangHistogram(out, "sglang:time_per_output_token_seconds", "Histogram of time per output token in seconds.", l,
        m.interTokenLatency);
    // SGLang times its tokenizer manager's generate_request with a decorator labelled by function, not model.
    sglangHistogram(out, "sglang:func_latency_seconds", "Function latency in seconds",
        TextFormat.label("name", "generate_request"), m.funcLatency);
  }

  private double throughput(EngineMetrics m) {
    long now = System.nanoTime();
    long generated = m.generationTokens.get();
    double perSecond = now > lastNanos ? (generated - lastGenerated) / ((now - lastNanos) / 1e9) : 0;
    lastGenerated = generated;
    lastNanos = now;
    return perSecond;
  }

  /** A vLLM counter: {@code <name>_total}, then its {@code <name>_created} gauge. */
  private void counter(TextFormat out, String name, String help, Counter c) {
    out.single(name + "_total", "counter", help, modelLabel, c.get());
    out.single(name + "_created", "gauge", help, modelLabel, c.createdEpochSeconds());
  }

  /** A vLLM histogram, then its {@code <name>_created} gauge. */
  private void histogram(TextFormat out, String name, String help, Histogram h) {
    out.header(name, "histogram", help);
    h.writeTo(out, name, modelLabel);
    out.single(name + "_created", "gauge", help, modelLabel, h.createdEpochSeconds());
  }

  /** Cached tokens over looked-up tokens since the start (SGLang reports the radix cache's share alike). */
  private static double hitRate(EngineMetrics m) {
    double queries = m.prefixCacheQueries.get();
    return queries == 0 ? 0 : m.prefixCacheHits.get() / queries;
  }

  private static void sglangHistogram(TextFormat out, String name, String help, String labels, Histogram h) {
    out.header(name, "histogram", help);
    h.writeTo(out, name, labels);
  }

  /** vLLM's {@code CacheConfig.metrics_info()}: the cache settings as labels, values as Python prints them. */
  private static String cacheConfig(long kvBlocks) {
    return TextFormat.join(TextFormat.label("block_size", "16"), TextFormat.label("cache_dtype", "auto"),
        TextFormat.label("calculate_kv_scales", "False"), TextFormat.label("cpu_offload_gb", "0"),
        TextFormat.label("enable_prefix_caching", "True"), TextFormat.label("engine", "0"),
        TextFormat.label("gpu_memory_utilization", "0.9"), TextFormat.label("is_attention_free", "False"),
        TextFormat.label("num_cpu_blocks", "None"), TextFormat.label("num_gpu_blocks", String.valueOf(kvBlocks)),
        TextFormat.label("num_gpu_blocks_override", "None"), TextFormat.label("prefix_caching_hash_algo", "builtin"),
        TextFormat.label("sliding_window", "None"), TextFormat.label("swap_space", "4"),
        TextFormat.label("swap_space_bytes", "4294967296"));
  }
}
