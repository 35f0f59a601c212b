package run.tokenlabs.chaos.lab.gateway;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import run.tokenlabs.chaos.lab.metrics.Counter;
import run.tokenlabs.chaos.lab.metrics.TextFormat;
import run.tokenlabs.chaos.lab.tracing.ExportStats;

/**
 * The gateway's counters under Envoy's Prometheus stat names: {@code
 * envoy_cluster_upstream_rq_xx}, {@code envoy_http_downstream_rq_xx}, {@code
 * envoy_cluster_membership_healthy}. One Envoy cluster per model route. Tracing as Envoy counts it: the
 * connection manager's {@code tracing.random_sampling} (requests traced: every one, at 100% sampling) and
 * the Zipkin tracer's {@code tracing.zipkin.*} (spans sent, reports sent, dropped, failed, skipped), so spans
 * created and spans accepted by the collector can be told apart.
 */
final class GatewayStats {
  /** The listener prefix Envoy Gateway gives its HTTP connection manager. */
  static final String CONN_MANAGER = "http-10080";

  private final Set<String> models;
  private final ToIntFunction<String> healthy;
  private final Map<String, Counter> upstream = new ConcurrentHashMap<>();
  private final Map<String, Counter> downstream = new ConcurrentHashMap<>();
  private final AtomicLong tracedRequests = new AtomicLong();
  private final ExportStats export;

  GatewayStats(Set<String> models, ToIntFunction<String> healthy, ExportStats export) {
    this.models = models;
    this.healthy = healthy;
    this.export = export;
  }

  /** A request was sampled for tracing (a span started). */
  void traced() {
    tracedRequests.incrementAndGet();
  }

  /** Envoy Gateway's cluster name for an HTTPRoute rule. */
  static String cluster(String model) {
    return "httproute/token-labs/" + model + "/rule/0";
  }

  void upstream(String model, int status) {
    upstream.computeIfAbsent(cluster(model) + "|" + status / 100 + "xx", k -> new Counter()).increment();
  }

  void downstream(int status) {
    downstream.computeIfAbsent(status / 100 + "xx", k -> new Counter()).increment();
  }

  String render() {
    TextFormat out = new TextFormat();
    out.header("envoy_cluster_upstream_rq_xx", "counter", "");
    for (String model : models) {
      for (String cls : new String[] {"2xx", "4xx", "5xx"}) {
        Counter c = upstream.get(cluster(model) + "|" + cls);
        out.sample("envoy_cluster_upstream_rq_xx", TextFormat.join(TextFormat.label("envoy_cluster_name",
            cluster(model)), TextFormat.label("envoy_response_code_class", cls.substring(0, 1))),
            c == null ? 0 : c.get());
      }
    }
    out.header("envoy_http_downstream_rq_xx", "counter", "");
    for (String cls : new TreeMap<>(Map.of("1xx", 0, "2xx", 0, "3xx", 0, "4xx", 0, "5xx", 0)).keySet()) {
      Counter c = downstream.get(cls);
      out.sample("envoy_http_downstream_rq_xx", TextFormat.join(TextFormat.label("envoy_http_conn_manager_prefix",
          CONN_MANAGER), TextFormat.label("envoy_response_code_class", cls.substring(0, 1))), c == null ? 0 : c.get());
    }
    out.header("envoy_cluster_membership_healthy", "gauge", "");
    for (String model : models) {
      out.sample("envoy_cluster_membership_healthy", TextFormat.label("envoy_cluster_name", cluster(model)),
          healthy.applyAsInt(model));
    }
    out.header("envoy_http_tracing_random_sampling", "counter", "");
    out.sample("envoy_http_tracing_random_sampling", TextFormat.label("envoy_http_conn_manager_prefix", CONN_MANAGER),
        tracedRequests.get());
    tracer(out, "spans_sent", export.spansSent());
    tracer(out, "reports_sent", export.reportsSent());
    tracer(out, "reports_dropped", export.reportsDropped());
    tracer(out, "reports_failed", export.reportsFailed());
    tracer(out, "reports_skipped_no_cluster", export.reportsSkippedNoCluster());
    return out.toString();
  }

  private static void tracer(TextFormat out, String stat, long value) {
    out.header("envoy_tracing_zipkin_" + stat, "counter", "");
    out.sample("envoy_tracing_zipkin_" + stat, "", value);
  }
}
