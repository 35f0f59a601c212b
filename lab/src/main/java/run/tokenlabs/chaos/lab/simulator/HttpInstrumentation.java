package run.tokenlabs.chaos.lab.simulator;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import run.tokenlabs.chaos.lab.metrics.Counter;
import run.tokenlabs.chaos.lab.metrics.Histogram;
import run.tokenlabs.chaos.lab.metrics.Summary;
import run.tokenlabs.chaos.lab.metrics.TextFormat;

/**
 * The HTTP metrics vLLM's API server gets from prometheus-fastapi-instrumentator with its default
 * metrics: requests by handler, method and status class, request and response sizes, and durations.
 * vLLM excludes its own probes ({@code /metrics}, {@code /health}, ...) from them; routes nothing
 * matched are counted under handler {@code none}. Thread-safe.
 */
final class HttpInstrumentation {
  /** Handlers vLLM's instrumentator leaves out. */
  static final Set<String> EXCLUDED = Set.of("/metrics", "/health", "/load", "/ping", "/version", "/server_info");
  /** The instrumentator's default buckets of its unlabelled, high-resolution duration histogram. */
  static final List<Double> HIGHR_BOUNDS = List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0,
      2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 7.5, 10.0, 30.0, 60.0);
  /** Its default buckets of the per-handler duration histogram. */
  static final List<Double> LOWR_BOUNDS = List.of(0.1, 0.5, 1.0);

  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Summary> requestSizes = new ConcurrentHashMap<>();
  private final Map<String, Summary> responseSizes = new ConcurrentHashMap<>();
  private final Map<String, Histogram> durations = new ConcurrentHashMap<>();
  private final Histogram highResolution = new Histogram(HIGHR_BOUNDS);

  /** One answered request; {@code handler} is the route ({@code none} if no route matched). */
  void record(String handler, String method, int status, long requestBytes, long responseBytes, double seconds) {
    if (EXCLUDED.contains(handler)) {
      return;
    }
    requests.computeIfAbsent(handler + "|" + method + "|" + status / 100 + "xx", k -> new Counter()).increment();
    requestSizes.computeIfAbsent(handler, k -> new Summary()).observe(requestBytes);
    responseSizes.computeIfAbsent(handler, k -> new Summary()).observe(responseBytes);
    durations.computeIfAbsent(handler + "|" + method, k -> new Histogram(LOWR_BOUNDS)).observe(seconds);
    highResolution.observe(seconds);
  }

  /** Writes the five families, each followed by its {@code _created} gauge as the Python client does. */
  void writeTo(TextFormat out) {
    Map<String, Counter> byKey = new TreeMap<>(requests);
    out.header("http_requests_total", "counter", "Total number of requests by method, status and handler.");
    byKey.forEach((k, c) -> out.sample("http_requests_total", requestLabels(k), c.get()));
    out.header("http_requests_created", "gauge", "Total number of requests by method, status and handler.");
    byKey.forEach((k, c) -> out.sample("http_requests_created", requestLabels(k), c.createdEpochSeconds()));
    sizes(out, "http_request_size_bytes", "Content length of incoming requests by handler. Only value of header "
        + "is respected. Otherwise ignored. No percentile calculated. ", requestSizes);
    sizes(out, "http_response_size_bytes", "Content length of outgoing responses by handler. Only value of header "
        + "is respected. Otherwise ignored. No percentile calculated. ", responseSizes);
    out.header("http_request_duration_highr_seconds", "histogram", "Latency with many buckets but no API specific "
        + "labels. Made for more accurate percentile calculations. ");
    highResolution.writeTo(out, "http_request_duration_highr_seconds", "");
    out.header("http_request_duration_highr_seconds_created", "gauge", "Latency with many buckets but no API "
        + "specific labels. Made for more accurate percentile calculations. ");
    out.sample("http_request_duration_highr_seconds_created", "", highResolution.createdEpochSeconds());
    Map<String, Histogram> byHandler = new TreeMap<>(durations);
    String help = "Latency with only few buckets by handler. Made to be only used if aggregation by handler is "
        + "important. ";
    out.header("http_request_duration_seconds", "histogram", help);
    byHandler.forEach((k, h) -> h.writeTo(out, "http_request_duration_seconds", handlerAndMethod(k)));
    out.header("http_request_duration_seconds_created", "gauge", help);
    byHandler.forEach((k, h) -> out.sample("http_request_duration_seconds_created", handlerAndMethod(k),
        h.createdEpochSeconds()));
  }

  private static void sizes(TextFormat out, String name, String help, Map<String, Summary> byHandler) {
    Map<String, Summary> sorted = new TreeMap<>(byHandler);
    out.header(name, "summary", help);
    sorted.forEach((handler, s) -> s.writeTo(out, name, TextFormat.label("handler", handler)));
    out.header(name + "_created", "gauge", help);
    sorted.forEach((handler, s) -> out.sample(name + "_created", TextFormat.label("handler", handler),
        s.createdEpochSeconds()));
  }

  private static String requestLabels(String key) {
    String[] k = key.split("\\|");
    return TextFormat.join(TextFormat.label("handler", k[0]), TextFormat.label("method", k[1]),
        TextFormat.label("status", k[2]));
  }

  private static String handlerAndMethod(String key) {
    String[] k = key.split("\\|");
    return TextFormat.join(TextFormat.label("handler", k[0]), TextFormat.label("method", k[1]));
  }
}
