package run.tokenlabs.chaos.lab.prometheus;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Writes the lab's {@code prometheus.yml}: one interval for scraping and rule evaluation; model pods
 * and DCGM exporters from file_sd (so they come and go with the Kubernetes state); the gateway's
 * Envoy stats, the kube-state-metrics view and Prometheus itself as static targets.
 */
final class PrometheusConfig {
  private PrometheusConfig() {}

  static String render(Duration interval, Path modelsSd, Path dcgmSd, URI gatewayStats, URI kubeStateMetrics,
                       String selfAddress, List<Path> ruleFiles) {
    String i = PromDurations.format(interval);
    StringBuilder b = new StringBuilder();
    b.append("global:\n  scrape_interval: ").append(i).append("\n  evaluation_interval: ").append(i)
        .append("\n  scrape_timeout: ").append(i).append("\n  external_labels:\n    cluster: tokenlabs-lab\n");
    b.append("rule_files:\n");
    for (Path r : ruleFiles) {
      b.append("  - ").append(quote(r.toString())).append('\n');
    }
    if (ruleFiles.isEmpty()) {
      b.setLength(b.length() - "rule_files:\n".length());
    }
    b.append("scrape_configs:\n");
    fileSd(b, "token-labs-pods", modelsSd, false);
    // dcgm-exporter labels its series with the GPU's pod and namespace: keep those, as its ServiceMonitor does.
    fileSd(b, "gpu-operator-pods", dcgmSd, true);
    staticJob(b, "envoy", gatewayStats, false);
    staticJob(b, "kube-state-metrics", kubeStateMetrics, true);
    b.append("  - job_name: prometheus\n    static_configs:\n      - targets: [").append(quote(selfAddress))
        .append("]\n");
    return b.toString();
  }

  private static void fileSd(StringBuilder b, String job, Path file, boolean honorLabels) {
    b.append("  - job_name: ").append(job).append("\n    metrics_path: /metrics");
    if (honorLabels) {
      b.append("\n    honor_labels: true");
    }
    b.append("\n    file_sd_configs:\n      - files: [").append(quote(file.toString()))
        .append("]\n        refresh_interval: 5s\n");
  }

  private static void staticJob(StringBuilder b, String job, URI metrics, boolean honorLabels) {
    b.append("  - job_name: ").append(job).append("\n    metrics_path: ").append(metrics.getPath());
    if (honorLabels) {
      b.append("\n    honor_labels: true");
    }
    b.append("\n    static_configs:\n      - targets: [").append(quote(metrics.getHost() + ":" + metrics.getPort()))
        .append("]\n");
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
