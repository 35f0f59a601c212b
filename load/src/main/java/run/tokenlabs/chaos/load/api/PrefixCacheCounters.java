package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import org.apiguardian.api.API;

/**
 * A model server's prefix-cache counters, read from its Prometheus exposition ({@code /metrics}), so a
 * load with a shared prefix can tell what the server reused. vLLM counts in tokens:
 * {@code vllm:prefix_cache_queries_total} grows by a request's tokens each time the scheduler looks it
 * up, {@code vllm:prefix_cache_hits_total} by the tokens it found cached (older releases:
 * {@code vllm:gpu_prefix_cache_*}, read when the new names are absent); summed over every label set
 * (engines, models). SGLang exposes only a gauge, {@code sglang:cache_hit_rate}, kept as read.
 *
 * <p>Read once before the load and once after; {@link #since(PrefixCacheCounters)} gives the load's own
 * share, {@link #hitRate()} the hit rate of that share. Counters reset by a restart in between make
 * the difference negative: {@link #since} refuses it rather than report a wrong rate.
 *
 * @param queriedTokens tokens looked up (vLLM), NaN when the server has no such counter
 * @param hitTokens tokens found cached (vLLM), NaN when the server has no such counter
 * @param gaugeHitRate SGLang's {@code sglang:cache_hit_rate} as read, NaN when absent
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record PrefixCacheCounters(double queriedTokens, double hitTokens, double gaugeHitRate) {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Reads the counters from a metrics URL, e.g. {@code http://127.0.0.1:8000/metrics}. */
  public static PrefixCacheCounters read(String metricsUrl) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(TIMEOUT).GET().build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("Expected 200 with the Prometheus exposition from " + metricsUrl + ", saw HTTP "
            + response.statusCode() + "; give the model server's /metrics URL");
      }
      return parse(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read prefix-cache counters from " + metricsUrl
          + "; check that the model server's /metrics answers", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading " + metricsUrl, e);
    }
  }

  /** The counters in a Prometheus text exposition. */
  public static PrefixCacheCounters parse(String exposition) {
    double queries = sum(exposition, "vllm:prefix_cache_queries_total");
    double hits = sum(exposition, "vllm:prefix_cache_hits_total");
    if (Double.isNaN(queries)) {
      queries = sum(exposition, "vllm:gpu_prefix_cache_queries_total");
      hits = sum(exposition, "vllm:gpu_prefix_cache_hits_total");
    }
    return new PrefixCacheCounters(queries, hits, sum(exposition, "sglang:cache_hit_rate"));
  }

  /**
   * What changed since {@code before}: the tokens queried and hit in between; the gauge as read now.
   *
   * @throws IllegalStateException if a counter went down (the server restarted in between)
   */
  public PrefixCacheCounters since(PrefixCacheCounters before) {
    double q = queriedTokens - before.queriedTokens;
    double h = hitTokens - before.hitTokens;
    if (q < 0 || h < 0) {
      throw new IllegalStateException("Expected prefix-cache counters that only grow, saw queries " + before.queriedTokens
          + " -> " + queriedTokens + " and hits " + before.hitTokens + " -> " + hitTokens
          + ": the server restarted in between; read both around a load that no restart interrupts");
    }
    return new PrefixCacheCounters(q, h, gaugeHitRate);
  }

  /** Hit tokens over queried tokens, or SGLang's gauge where there are no counters; empty when neither says. */
  public OptionalDouble hitRate() {
    if (queriedTokens > 0) {
      return OptionalDouble.of(hitTokens / queriedTokens);
    }
    return Double.isNaN(gaugeHitRate) ? OptionalDouble.empty() : OptionalDouble.of(gaugeHitRate);
  }

  /** Sum of every sample of {@code name} (any labels); NaN when there is none. */
  private static double sum(String exposition, String name) {
    double total = Double.NaN;
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(name) || line.length() == name.length()) {
        continue;
      }
      char after = line.charAt(name.length());
      if (after != '{' && after != ' ') {
        continue; // a longer name sharing the prefix
      }
      String[] parts = line.substring(line.lastIndexOf('}') + 1).trim().split("\\s+");
      String value = after == '{' ? parts[0] : line.substring(name.length()).trim().split("\\s+")[0];
      double v = Double.parseDouble(value);
      total = Double.isNaN(total) ? v : total + v;
    }
    return total;
  }
}
