package run.tokenlabs.chaos.lab.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import run.tokenlabs.chaos.lab.metrics.Counter;
import run.tokenlabs.chaos.lab.metrics.Histogram;
import run.tokenlabs.chaos.lab.metrics.RecentValues;

/**
 * The measurements of one model server, in the units vLLM reports (seconds, tokens, 0..1).
 * Written by the scheduler and HTTP threads, read by {@link MetricsExposition} on a scrape.
 * Latencies are wall-clock seconds as this process saw them (already time-scaled).
 */
public final class EngineMetrics {
  /** vLLM's TTFT bucket bounds. */
  public static final List<Double> TTFT_BOUNDS = List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25,
      0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0);
  /** vLLM's inter-token latency and time-per-output-token bucket bounds. */
  public static final List<Double> ITL_BOUNDS = List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
      0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0);
  /** vLLM's bounds for e2e, queue, prefill, decode and inference time. */
  public static final List<Double> REQUEST_BOUNDS = List.of(0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0,
      20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0);
  /** vLLM V1's bounds of {@code vllm:iteration_tokens_total} (tokens per engine step). */
  public static final List<Double> ITERATION_TOKEN_BOUNDS = List.of(1.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0,
      512.0, 1024.0, 2048.0, 4096.0, 8192.0, 16384.0);
  /** vLLM V1's bounds of {@code vllm:request_params_n}. */
  public static final List<Double> N_BOUNDS = List.of(1.0, 2.0, 5.0, 10.0, 20.0);
  /** SGLang's {@code sglang:func_latency_seconds} bounds: 0.05 s times 1.5 to the power 0..17. */
  public static final List<Double> FUNC_LATENCY_BOUNDS = exponential(0.05, 1.5, 18);

  final Counter promptTokens = new Counter();
  final Counter generationTokens = new Counter();
  final Counter preemptions = new Counter();
  final Counter prefixCacheQueries = new Counter();
  final Counter prefixCacheHits = new Counter();
  final Counter requests = new Counter();
  final Map<String, Counter> success = new ConcurrentHashMap<>();

  final Histogram ttft = new Histogram(TTFT_BOUNDS);
  /** The modelled TTFTs in nanoseconds, exactly, for the lab's overhead benchmark. */
  final RecentValues ttftNanos = new RecentValues(1 << 16);
  final Histogram interTokenLatency = new Histogram(ITL_BOUNDS);
  /** The deprecated {@code vllm:time_per_output_token_seconds}: the same observations as the ITL. */
  final Histogram timePerOutputTokenDeprecated = new Histogram(ITL_BOUNDS);
  final Histogram timePerOutputToken = new Histogram(ITL_BOUNDS);
  final Histogram e2e = new Histogram(REQUEST_BOUNDS);
  final Histogram queueTime = new Histogram(REQUEST_BOUNDS);
  final Histogram prefillTime = new Histogram(REQUEST_BOUNDS);
  final Histogram decodeTime = new Histogram(REQUEST_BOUNDS);
  final Histogram inferenceTime = new Histogram(REQUEST_BOUNDS);
  final Histogram iterationTokens = new Histogram(ITERATION_TOKEN_BOUNDS);
  final Histogram requestPromptTokens;
  final Histogram requestGenerationTokens;
  final Histogram requestMaxNumGenerationTokens;
  final Histogram requestParamsMaxTokens;
  final Histogram requestParamsN = new Histogram(N_BOUNDS);
  final Histogram funcLatency = new Histogram(FUNC_LATENCY_BOUNDS);
  final HttpInstrumentation http = new HttpInstrumentation();

  volatile int running;
  volatile int waiting;
  volatile double kvUsage;
  volatile long kvUsedTokens;

  /** Metrics of a server whose longest request is {@code maxModelLen} tokens (it sets the token bucket bounds). */
  public EngineMetrics(int maxModelLen) {
    List<Double> tokenBounds = oneTwoFive(maxModelLen);
    this.requestPromptTokens = new Histogram(tokenBounds);
    this.requestGenerationTokens = new Histogram(tokenBounds);
    this.requestMaxNumGenerationTokens = new Histogram(tokenBounds);
    this.requestParamsMaxTokens = new Histogram(tokenBounds);
  }

  void finished(String reason) {
    success.computeIfAbsent(reason, r -> new Counter()).increment();
  }

  /**
   * vLLM's {@code build_1_2_5_buckets}: 1, 2, 5, 10, 20, 50, ... up to {@code max}, the bounds of its
   * per-request token-count histograms.
   */
  static List<Double> oneTwoFive(long max) {
    List<Double> bounds = new ArrayList<>();
    for (long exponent = 1; ; exponent *= 10) {
      for (int mantissa : new int[] {1, 2, 5}) {
        long value = mantissa * exponent;
        if (value > max) {
          return List.copyOf(bounds);
        }
        bounds.add((double) value);
      }
    }
  }

  private static List<Double> exponential(double start, double factor, int count) {
    List<Double> bounds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      bounds.add(start * Math.pow(factor, i));
    }
    return List.copyOf(bounds);
  }

  /** KV-cache usage 0..1, as {@code vllm:kv_cache_usage_perc}. */
  public double kvUsage() {
    return kvUsage;
  }

  public long preemptions() {
    return preemptions.get();
  }

  public int runningRequests() {
    return running;
  }

  public int waitingRequests() {
    return waiting;
  }

  public long generationTokens() {
    return generationTokens.get();
  }

  /** TTFT histogram (for the lab's own tests and benchmarks). */
  public Histogram ttft() {
    return ttft;
  }

  /** The last 65,536 modelled TTFTs (arrival in the scheduler to first token), in nanoseconds. */
  public RecentValues ttftNanos() {
    return ttftNanos;
  }
}
