package run.tokenlabs.chaos.engine.config;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Every configuration key and its kind; the README's configuration reference lists the same. */
final class ConfigKeys {
  enum Kind { TEXT, LIST, MAP }

  static final Map<String, Kind> KEYS = Map.ofEntries(
      Map.entry("target", Kind.TEXT),
      Map.entry("lab.profile", Kind.TEXT),
      Map.entry("prometheus.url", Kind.TEXT),
      Map.entry("prometheus.bearerTokenFile", Kind.TEXT),
      Map.entry("prometheus.bearerTokenEnv", Kind.TEXT),
      Map.entry("prometheus.basicAuth.username", Kind.TEXT),
      Map.entry("prometheus.basicAuth.passwordEnv", Kind.TEXT),
      Map.entry("prometheus.caFile", Kind.TEXT),
      Map.entry(ConfigLoader.ALLOW_PLAIN_HTTP_ON_LOOPBACK, Kind.TEXT),
      Map.entry("prometheus.maxResponseBytes", Kind.TEXT),
      Map.entry("kubernetes.context", Kind.TEXT),
      Map.entry("kubernetes.allowedContexts", Kind.LIST),
      Map.entry("kubernetes.maxResponseBytes", Kind.TEXT),
      Map.entry("kubernetes.allowedServers", Kind.LIST),
      Map.entry("kubernetes.allowedCaSha256", Kind.LIST),
      Map.entry("kubernetes.maxPodsPerRun", Kind.TEXT),
      Map.entry("kubernetes.serviceAccountDir", Kind.TEXT),
      Map.entry("kubernetes.allowedNodes", Kind.LIST),
      Map.entry("namespaces.allowed", Kind.LIST),
      Map.entry("dryRun", Kind.TEXT),
      Map.entry("recoveryTimeout", Kind.TEXT),
      Map.entry("probeTimeout", Kind.TEXT),
      Map.entry("journal.dir", Kind.TEXT),
      Map.entry("journal.keyFile", Kind.TEXT),
      Map.entry("endpoints.gateway", Kind.TEXT),
      Map.entry("endpoints.models", Kind.MAP),
      Map.entry("endpoints.dcgmExporters", Kind.LIST),
      // the trace backend a trace probe asks (TRACE experiments)
      Map.entry("traces.kind", Kind.TEXT),
      Map.entry("traces.url", Kind.TEXT),
      Map.entry("traces.bearerTokenFile", Kind.TEXT),
      Map.entry("traces.bearerTokenEnv", Kind.TEXT),
      Map.entry("traces.caFile", Kind.TEXT),
      Map.entry("traces.maxResponseBytes", Kind.TEXT),
      // results pushed at the end of a run
      Map.entry("pushgateway.url", Kind.TEXT),
      Map.entry("pushgateway.job", Kind.TEXT),
      Map.entry("webhook.urlFile", Kind.TEXT),
      Map.entry("webhook.urlEnv", Kind.TEXT));

  private ConfigKeys() {
  }

  /** Whether some key starts with {@code prefix.}: the YAML may nest under it. */
  static boolean isSection(String prefix) {
    return KEYS.keySet().stream().anyMatch(k -> k.startsWith(prefix + "."));
  }

  /** The keys one level below {@code section} ("" for the top), for "known keys" hints. */
  static String childrenOf(String section) {
    String prefix = section.isEmpty() ? "" : section + ".";
    return KEYS.keySet().stream().filter(k -> k.startsWith(prefix))
        .map(k -> k.substring(prefix.length()).split("\\.")[0])
        .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(", "));
  }

  static List<String> all() {
    return KEYS.keySet().stream().sorted().toList();
  }
}
