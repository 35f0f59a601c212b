package run.tokenlabs.chaos.engine.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import run.tokenlabs.chaos.api.ChaosConfig.EndpointSettings;
import run.tokenlabs.chaos.api.ChaosConfig.KubernetesSettings;
import run.tokenlabs.chaos.api.ChaosConfig.PrometheusSettings;
import run.tokenlabs.chaos.api.ChaosConfig.PushgatewaySettings;
import run.tokenlabs.chaos.api.ChaosConfig.WebhookSettings;
import run.tokenlabs.chaos.api.ChaosConfig.TraceSettings;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;

/**
 * Builds the {@link ChaosConfig}: defaults, then the YAML file named by {@code tokenlabs.chaos.config},
 * then a property {@code tokenlabs.chaos.<key>} per key. Every value is validated here, so a bad
 * one stops the run before anything is touched, with the key, its origin, the value and the
 * accepted form in the message.
 */
public final class ConfigLoader {
  /**
   * The module's build directory, set by the build: the default {@code journal.dir} is its
   * {@code chaos-journal}, because under {@code -Pchaos} the experiments run inside Maven's own JVM,
   * whose working directory is where Maven started, not the module. Only a default: a configured
   * {@code journal.dir} always wins.
   */
  public static final String BUILD_DIRECTORY_PROPERTY = "tokenlabs.chaos.buildDirectory";
  /** Prefix of every configuration property. */
  public static final String PREFIX = "tokenlabs.chaos.";
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern NODE = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final Pattern WORD = Pattern.compile("[a-z0-9][-a-z0-9_]*");
  /** The opt-out that lets a credential go over plain http to a loopback address. */
  static final String ALLOW_PLAIN_HTTP_ON_LOOPBACK = "allowPlainHttpOnLoopback";

  private final Map<String, ConfigValue> values;
  private final String mavenProfile;
  private final Optional<Path> source;

  private final Path defaultJournalDir;

  private ConfigLoader(Map<String, ConfigValue> values, String mavenProfile, Optional<Path> source,
                       Path defaultJournalDir) {
    this.values = values;
    this.mavenProfile = mavenProfile;
    this.source = source;
    this.defaultJournalDir = defaultJournalDir;
  }

  /**
   * Loads the configuration.
   *
   * @param properties where {@code tokenlabs.chaos.*} properties come from (system properties, or
   *     JUnit configuration parameters, which fall back to system properties); a relative
   *     {@code tokenlabs.chaos.config} is resolved against {@code tokenlabs.chaos.basedir} when set
   *     (the build sets it to the directory Maven was started in)
   * @throws ChaosConfigException naming the first invalid value
   */
  public static ChaosConfig load(Function<String, Optional<String>> properties) {
    return load(properties, System.getProperties());
  }

  /**
   * As {@link #load(Function)}, refusing first any secret given among {@code systemProperties}
   * (see {@link SecretProperties}); such a property is removed from them.
   */
  static ChaosConfig load(Function<String, Optional<String>> properties, java.util.Properties systemProperties) {
    SecretProperties.refuse(systemProperties);
    Optional<Path> base = properties.apply(PREFIX + "basedir").filter(s -> !s.isBlank()).map(Path::of);
    Optional<Path> file = properties.apply(PREFIX + "config").filter(s -> !s.isBlank()).map(Path::of)
        .map(p -> p.isAbsolute() || base.isEmpty() ? p : base.get().resolve(p));
    Map<String, ConfigValue> values = new LinkedHashMap<>(file.map(YamlConfigReader::read).orElse(Map.of()));
    for (String key : ConfigKeys.all()) {
      properties.apply(PREFIX + key).ifPresent(text ->
          values.put(key, new ConfigValue(key, text, null, "system property " + PREFIX + key)));
    }
    String profile = properties.apply(PREFIX + "profile").orElse("none");
    Path defaultJournalDir = properties.apply(BUILD_DIRECTORY_PROPERTY).filter(d -> !d.isBlank())
        .map(d -> Path.of(d, "chaos-journal")).orElse(Path.of("target", "chaos-journal"));
    return new ConfigLoader(values, profile, file, defaultJournalDir).bind();
  }

  private ChaosConfig bind() {
    String target = word("target", "lab", "use 'lab' (the embedded lab) or 'cluster'");
    List<String> namespaces = namespaces(target);
    return new ChaosConfig(
        target,
        word("lab.profile", "gb10", "use a lab profile name such as gb10 or h200"),
        prometheus(),
        kubernetes(target),
        namespaces,
        bool("dryRun", false),
        duration("recoveryTimeout", Duration.ofSeconds(90)),
        duration("probeTimeout", Duration.ofSeconds(30)),
        text("journal.dir").map(Path::of).orElse(defaultJournalDir),
        text("journal.keyFile").map(Path::of),
        new EndpointSettings(text("endpoints.gateway").map(v -> uri("endpoints.gateway")), models(),
            list("endpoints.dcgmExporters").stream().map(u -> uri("endpoints.dcgmExporters", u)).toList()),
        new PushgatewaySettings(text("pushgateway.url").map(v -> uri("pushgateway.url")),
            word("pushgateway.job", PushgatewaySettings.DEFAULT_JOB, "use a job name such as "
                + PushgatewaySettings.DEFAULT_JOB)),
        webhook(),
        mavenProfile,
        source,
        traces());
  }

  /** The trace backend: a kind and a URL together, or neither; at most one way to give a token. */
  private TraceSettings traces() {
    Optional<URI> url = text("traces.url").map(v -> uri("traces.url"));
    Optional<String> kind = text("traces.kind");
    if (kind.isPresent() != url.isPresent()) {
      String present = kind.isPresent() ? "traces.kind" : "traces.url";
      throw values.get(present).invalid(present + " is set without " + (kind.isPresent() ? "traces.url" : "traces.kind"),
          "set both: traces.kind (tempo, jaeger or zipkin) and traces.url (its query API's base URL)");
    }
    Optional<TraceBackendEndpoint.Kind> parsed = kind.map(k -> {
      try {
        return TraceBackendEndpoint.Kind.valueOf(k.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw values.get("traces.kind").invalid("unknown trace backend '" + k + "'", "use tempo, jaeger or zipkin");
      }
    });
    Optional<String> tokenFile = text("traces.bearerTokenFile");
    Optional<String> tokenEnv = text("traces.bearerTokenEnv");
    if (tokenFile.isPresent() && tokenEnv.isPresent()) {
      throw values.get("traces.bearerTokenEnv").invalid("both traces.bearerTokenFile and traces.bearerTokenEnv are set",
          "keep one of them");
    }
    return new TraceSettings(parsed, url, tokenFile.map(Path::of), tokenEnv, text("traces.caFile").map(Path::of),
        bytes("traces.maxResponseBytes", TraceBackendEndpoint.DEFAULT_MAX_RESPONSE_BYTES));
  }

  private WebhookSettings webhook() {
    Optional<String> file = text("webhook.urlFile");
    Optional<String> env = text("webhook.urlEnv");
    if (file.isPresent() && env.isPresent()) {
      throw values.get("webhook.urlEnv").invalid("both webhook.urlFile and webhook.urlEnv are set", "set only one of them");
    }
    return new WebhookSettings(file.map(Path::of), env);
  }

  private KubernetesSettings kubernetes(String target) {
    List<String> servers = list("kubernetes.allowedServers").stream().map(u -> uri("kubernetes.allowedServers", u))
        .map(ApiServers::normalize).toList();
    List<String> fingerprints = new java.util.ArrayList<>();
    for (String text : list("kubernetes.allowedCaSha256")) {
      String hex = ApiServers.fingerprint(text);
      if (hex == null) {
        throw values.get("kubernetes.allowedCaSha256").invalid("'" + text + "' is not a SHA-256 fingerprint",
            "write 64 hex digits, colons allowed, e.g. the output of 'openssl x509 -noout -fingerprint -sha256 -in ca.crt'");
      }
      fingerprints.add(hex);
    }
    return new KubernetesSettings(text("kubernetes.context"), list("kubernetes.allowedContexts"),
        bytes("kubernetes.maxResponseBytes", KubernetesSettings.DEFAULT_MAX_RESPONSE_BYTES), servers, fingerprints,
        count("kubernetes.maxPodsPerRun", KubernetesSettings.DEFAULT_MAX_PODS_PER_RUN),
        text("kubernetes.serviceAccountDir").map(Path::of), nodes(target));
  }

  /**
   * The nodes a fault may cordon: none unless listed, except on the lab, whose default is its own two
   * nodes (per {@code lab.profile}) so that its node drain runs without configuration.
   */
  private List<String> nodes(String target) {
    List<String> nodes = list("kubernetes.allowedNodes");
    for (String node : nodes) {
      if (!NODE.matcher(node).matches() || node.length() > 253) {
        throw values.get("kubernetes.allowedNodes").invalid("'" + node + "' is not a Kubernetes node name",
            "use lower-case DNS names (a-z, 0-9, '-', '.'), comma-separated in a system property");
      }
    }
    if (nodes.isEmpty() && "lab".equals(target) && !values.containsKey("kubernetes.allowedNodes")) {
      return "h200".equals(word("lab.profile", "gb10", "use a lab profile name such as gb10 or h200"))
          ? List.of("h200-node-01", "h200-node-02") : List.of("spark-01", "spark-02");
    }
    return nodes;
  }

  private int count(String key, int fallback) {
    Optional<String> text = text(key);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.get());
      if (value >= 0 && value <= 1000) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted form
    }
    throw values.get(key).invalid("not a count from 0 to 1000", "write a whole number, e.g. 5");
  }

  private PrometheusSettings prometheus() {
    Optional<String> tokenFile = text("prometheus.bearerTokenFile");
    Optional<String> tokenEnv = text("prometheus.bearerTokenEnv");
    Optional<String> user = text("prometheus.basicAuth.username");
    Optional<String> passwordEnv = text("prometheus.basicAuth.passwordEnv");
    Optional<String> credential = oneCredential(tokenFile, tokenEnv, user, passwordEnv);
    Optional<URI> url = text("prometheus.url").map(v -> uri("prometheus.url"));
    boolean plainHttpOnLoopback = bool(ALLOW_PLAIN_HTTP_ON_LOOPBACK, false);
    if (url.isPresent() && credential.isPresent()) {
      requireSafeTransport(url.get(), credential.get(), plainHttpOnLoopback);
    }
    return new PrometheusSettings(url, tokenFile.map(Path::of), tokenEnv, user, passwordEnv,
        text("prometheus.caFile").map(Path::of),
        bytes("prometheus.maxResponseBytes", PrometheusEndpoint.DEFAULT_MAX_RESPONSE_BYTES));
  }

  /**
   * The key of the one credential configured (a bearer token's source, or basic auth's password),
   * if any; refuses two at once and half a basic auth.
   */
  private Optional<String> oneCredential(Optional<String> tokenFile, Optional<String> tokenEnv, Optional<String> user,
                                         Optional<String> passwordEnv) {
    if (tokenFile.isPresent() && tokenEnv.isPresent()) {
      throw values.get("prometheus.bearerTokenEnv").invalid("both prometheus.bearerTokenFile and prometheus.bearerTokenEnv are set",
          "set only one of them");
    }
    if (user.isPresent() != passwordEnv.isPresent()) {
      String present = user.isPresent() ? "prometheus.basicAuth.username" : "prometheus.basicAuth.passwordEnv";
      throw values.get(present).invalid("basic auth needs both username and passwordEnv",
          "set prometheus.basicAuth.username and prometheus.basicAuth.passwordEnv (the name of an environment variable)");
    }
    Optional<String> bearerKey = tokenFile.map(f -> "prometheus.bearerTokenFile")
        .or(() -> tokenEnv.map(e -> "prometheus.bearerTokenEnv"));
    if (bearerKey.isPresent() && user.isPresent()) {
      throw values.get("prometheus.basicAuth.username").invalid("both a bearer token (" + bearerKey.get()
          + ") and basic auth are set, and only one Authorization header can be sent",
          "keep either the bearer token or prometheus.basicAuth, not both");
    }
    return bearerKey.or(() -> passwordEnv.map(p -> "prometheus.basicAuth.passwordEnv"));
  }

  /**
   * A credential goes over https, or over plain http only to a loopback address (a port-forward)
   * when {@value #ALLOW_PLAIN_HTTP_ON_LOOPBACK} says so: on any other network it can be read on the way.
   */
  private void requireSafeTransport(URI url, String credentialKey, boolean plainHttpOnLoopback) {
    if ("https".equals(url.getScheme())) {
      return;
    }
    boolean loopback = Loopback.isLoopbackHost(url.getHost());
    if (loopback && plainHttpOnLoopback) {
      return;
    }
    throw values.get("prometheus.url").invalid(credentialKey + " is set, and the URL is plain http, so the credential "
        + "would cross the network unencrypted", loopback
            ? "use https://, or, for a port-forward to this machine, set " + ALLOW_PLAIN_HTTP_ON_LOOPBACK + ": true"
            : "use https:// (plain http with a credential is allowed only to a loopback address, with "
                + ALLOW_PLAIN_HTTP_ON_LOOPBACK + ": true)");
  }

  private List<String> namespaces(String target) {
    List<String> namespaces = list("namespaces.allowed");
    ConfigValue value = values.get("namespaces.allowed");
    for (String ns : namespaces) {
      if ("kube-system".equals(ns)) {
        throw value.invalid("kube-system may never be a chaos target", "remove it from namespaces.allowed");
      }
      if (!NAMESPACE.matcher(ns).matches() || ns.length() > 63) {
        throw value.invalid("'" + ns + "' is not a Kubernetes namespace name",
            "use lower-case DNS labels (a-z, 0-9, '-'), comma-separated in a system property");
      }
    }
    if (namespaces.isEmpty()) {
      if ("cluster".equals(target)) {
        throw new ConfigException("namespaces.allowed: not set, and a '" + target + "' target needs it; list the "
            + "namespaces faults may act in (e.g. namespaces.allowed: [token-labs]); kube-system is never allowed");
      }
      // the lab's two namespaces the game day disturbs: the inference pods, and the DCGM pods GPU-1 execs into
      return List.of("token-labs", "gpu-operator");
    }
    return namespaces;
  }

  private Map<String, URI> models() {
    ConfigValue value = values.get("endpoints.models");
    Map<String, URI> models = new LinkedHashMap<>();
    if (value == null) {
      return models;
    }
    if (value.node() != null) {
      if (!value.node().isObject()) {
        throw value.invalid("not a mapping", "map model names to base URLs, e.g. 'deepseek-r1-7b: http://host:8000'");
      }
      value.node().fields().forEachRemaining(e -> {
        if (!e.getValue().isValueNode()) {
          throw value.invalid("model '" + e.getKey() + "' maps to " + yamlKind(e.getValue()) + ", not a URL", "map each model name to one base URL, e.g. "
              + "'deepseek-r1-7b: http://host:8000'");
        }
        models.put(e.getKey(), uri("endpoints.models", e.getValue().asText()));
      });
      return models;
    }
    for (String pair : value.text().split(",")) {
      String[] parts = pair.split("=", 2);
      if (parts.length != 2 || parts[0].isBlank()) {
        throw value.invalid("'" + pair + "' is not name=url", "write model=url pairs separated by commas");
      }
      models.put(parts[0].strip(), uri("endpoints.models", parts[1].strip()));
    }
    return models;
  }

  private Optional<String> text(String key) {
    ConfigValue value = values.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value.node() != null && !value.node().isValueNode()) {
      throw value.invalid("expected a single value, found " + value.node().getNodeType(), "write 'key: value'");
    }
    return Optional.of(value.text().strip()).filter(s -> !s.isEmpty());
  }

  private String word(String key, String fallback, String accepted) {
    Optional<String> text = text(key);
    if (text.isPresent() && !WORD.matcher(text.get()).matches()) {
      throw values.get(key).invalid("not a name", accepted);
    }
    return text.orElse(fallback);
  }

  private List<String> list(String key) {
    ConfigValue value = values.get(key);
    if (value == null) {
      return List.of();
    }
    if (value.node() != null && !value.node().isArray() && !value.node().isValueNode()) {
      throw value.invalid("expected a list", "write a YAML list, e.g. [a, b], or a comma-separated string");
    }
    if (value.node() != null && value.node().isArray()) {
      for (int i = 0; i < value.node().size(); i++) {
        if (!value.node().get(i).isValueNode()) {
          // a nested list or mapping would otherwise be read as an empty item and silently dropped
          throw value.invalid("item " + (i + 1) + " is " + yamlKind(value.node().get(i)) + ", not a single value", "write a flat list of values, e.g. [a, b]");
        }
      }
    }
    return Arrays.stream(value.text().split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** A node's kind as YAML calls it, for messages. */
  private static String yamlKind(com.fasterxml.jackson.databind.JsonNode node) {
    return node.isArray() ? "a list" : node.isObject() ? "a mapping" : "a " + node.getNodeType();
  }

  private boolean bool(String key, boolean fallback) {
    Optional<String> text = text(key);
    if (text.isEmpty()) {
      return fallback;
    }
    return switch (text.get().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw values.get(key).invalid("not a boolean", "use true or false");
    };
  }

  private Duration duration(String key, Duration fallback) {
    Optional<String> text = text(key);
    if (text.isEmpty()) {
      return fallback;
    }
    DurationParser.Parsed parsed = DurationParser.parse(text.get());
    if (parsed instanceof DurationParser.Invalid invalid) {
      throw values.get(key).invalid(invalid.problem(), invalid.accepted());
    }
    return ((DurationParser.Valid) parsed).duration();
  }

  private long bytes(String key, long fallback) {
    Optional<String> text = text(key);
    if (text.isEmpty()) {
      return fallback;
    }
    long bytes = ByteSizeParser.parse(text.get());
    if (bytes < 0) {
      throw values.get(key).invalid("not a size", ByteSizeParser.ACCEPTED);
    }
    if (bytes == 0 || bytes > ByteSizeParser.MAX_BYTES) {
      throw values.get(key).invalid(bytes == 0 ? "not positive" : "too large", ByteSizeParser.ACCEPTED);
    }
    return bytes;
  }

  private URI uri(String key) {
    return uri(key, values.get(key).text().strip());
  }

  private URI uri(String key, String text) {
    if (UrlRedaction.hasUserinfo(text)) {
      throw new ConfigException(key + ": '" + text + "' from " + values.get(key).origin() + " carries credentials "
          + "in the URL, which would be printed wherever the URL is; remove them and use prometheus.bearerTokenFile, "
          + "prometheus.bearerTokenEnv or prometheus.basicAuth.username with passwordEnv");
    }
    try {
      URI uri = new URI(text);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException ignored) {
      // reported below with the accepted form
    }
    throw new ConfigException(key + ": '" + text + "' from " + values.get(key).origin()
        + " is not an absolute http(s) URL; write e.g. http://prometheus.monitoring:9090");
  }
}
