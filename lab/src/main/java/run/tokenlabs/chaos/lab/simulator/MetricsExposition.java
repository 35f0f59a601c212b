package run.tokenlabs.chaos.lab.simulator;

import java.util.Map;
import run.tokenlabs.chaos.lab.metrics.Counter;
import run.tokenlabs.chaos.lab.metrics.Histogram;
import run.tokenlabs.chaos.lab.metrics.TextFormat;

/**
 * Renders {@link EngineMetrics} as a model server's {@code /metrics} page, with vLLM's names (V1
 * engine, label {@code model_name}) or SGLang's ({@code --enable-metrics}), as listed in FACTS.
 */
public final class MetricsExposition {
  /** Which serving engine's metric names to speak. */
  public enum Flavor { VLLM, SGLANG }

  private final Flavor flavor;
  private final String modelLabel;
  private long lastGenerated;
  private long lastNanos = System.nanoTime();

  public MetricsExposition(Flavor flavor, String modelName) {
    this.flavor = flavor;
    this.modelLabel = TextFormat.label("model_name", modelName);
  }

  public synchronized String render(EngineMetrics m) {
    TextFormat out = new TextFormat();
    if (flavor == Flavor.VLLM) {
      vllm(out, m);
    } else {
      sglang(out, m);
    }
    http(out, m);
    return out.toString();
  }

  private void vllm(TextFormat out, EngineMetrics m) {
    String l = modelLabel;
    out.single("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.", l, m.running);
    out.single("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.", l, m.waiting);
    out.single("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", l, m.kvUsage);
    counter(out, "vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", m.preemptions);
    counter(out, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", m.promptTokens);
    counter(out, "vllm:generation_tokens_total", "Number of generation tokens processed.", m.generationTokens);
    counter(out, "vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.",
        m.prefixCacheQueries);
    counter(out, "vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.",
        m.prefixCacheHits);
    out.header("vllm:request_success_total", "counter", "Count of successfully processed requests.");
    for (String reason : new String[] {"stop", "length", "abort"}) {
      Counter c = m.success.get(reason);
      out.sample("vllm:request_success_total", TextFormat.join(l, TextFormat.label("finished_reason", reason)),
          c == null ? 0 : c.get());
    }
    histogram(out, "vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", m.ttft);
    histogram(out, "vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.",
        m.interTokenLatency);
    histogram(out, "vllm:request_time_per_output_token_seconds", "Histogram of time_per_output_token_seconds per request.",
        m.timePerOutputToken);
    histogram(out, "vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", m.e2e);
    histogram(out, "vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.",
        m.queueTime);
    histogram(out, "vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.",
        m.prefillTime);
    histogram(out, "vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.",
        m.decodeTime);
    histogram(out, "vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.",
        m.inferenceTime);
    histogram(out, "vllm:iteration_tokens_total", "Histogram of number of tokens per engine_step.",
        m.iterationTokens);
  }

  private void sglang(TextFormat out, EngineMetrics m) {
    String l = modelLabel;
    counter(out, "sglang:prompt_tokens_total", "Number of prefill tokens processed.", m.promptTokens);
    counter(out, "sglang:generation_tokens_total", "Number of generation tokens processed.", m.generationTokens);
    out.single("sglang:token_usage", "gauge", "The token usage.", l, m.kvUsage);
    out.single("sglang:cache_hit_rate", "gauge", "The prefix cache hit rate.", l, 0);
    out.single("sglang:num_running_reqs", "gauge", "The number of running requests.", l, m.running);
    out.single("sglang:num_queue_reqs", "gauge", "The number of requests in the waiting queue.", l, m.waiting);
    out.single("sglang:num_used_tokens", "gauge", "The number of used tokens.", l, m.kvUsedTokens);
    out.single("sglang:gen_throughput", "gauge", "The generation throughput (token/s).", l, throughput(m));
    histogram(out, "sglang:time_to_first_token_seconds", "Histogram of time to first token in seconds.", m.ttft);
    histogram(out, "sglang:e2e_request_latency_seconds", "Histogram of End-to-end request latency in seconds",
        m.e2e);
    histogram(out, "sglang:time_per_output_token_seconds", "Histogram of time per output token in seconds.",
        m.interTokenLatency);
  }

  /** vLLM's API server also counts HTTP answers (prometheus-fastapi-instrumentator); so do 400/404s here. */
  private void http(TextFormat out, EngineMetrics m) {
    out.header("http_requests_total", "counter", "Total number of requests by method, status and handler.");
    for (Map.Entry<String, Counter> e : Map.copyOf(m.httpRequests).entrySet()) {
      String[] k = e.getKey().split("\\|");
      out.sample("http_requests_total", TextFormat.join(TextFormat.label("handler", k[0]),
          TextFormat.label("method", k[1]), TextFormat.label("status", k[2])), e.getValue().get());
    }
  }

  private double throughput(EngineMetrics m) {
    long now = System.nanoTime();
    long generated = m.generationTokens.get();
    double perSecond = now > lastNanos ? (generated - lastGenerated) / ((now - lastNanos) / 1e9) : 0;
    lastGenerated = generated;
    lastNanos = now;
    return perSecond;
  }

  private void counter(TextFormat out, String name, String help, Counter c) {
    out.single(name, "counter", help, modelLabel, c.get());
  }

  private void histogram(TextFormat out, String name, String help, Histogram h) {
    out.header(name, "histogram", help);
    h.writeTo(out, name, modelLabel);
  }
}
