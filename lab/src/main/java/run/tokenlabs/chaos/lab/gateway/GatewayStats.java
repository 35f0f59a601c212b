package run.tokenlabs.chaos.lab.gateway;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import run.tokenlabs.chaos.lab.metrics.Counter;
import run.tokenlabs.chaos.lab.metrics.TextFormat;

/**
 * The gateway's counters under Envoy's Prometheus stat names: {@code
 * envoy_cluster_upstream_rq_xx}, {@code envoy_http_downstream_rq_xx}, {@code
 * envoy_cluster_membership_healthy}. One Envoy cluster per model route.
 */
final class GatewayStats {
  /** The listener prefix Envoy Gateway gives its HTTP connection manager. */
  static final String CONN_MANAGER = "http-10080";

  private final Set<String> models;
  private final ToIntFunction<String> healthy;
  private final Map<String, Counter> upstream = new ConcurrentHashMap<>();
  private final Map<String, Counter> downstream = new ConcurrentHashMap<>();

  GatewayStats(Set<String> models, ToIntFunction<String> healthy) {
    this.models = models;
    this.healthy = healthy;
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
    return out.toString();
  }
}
