package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The run's configuration, from {@code tokenlabs-chaos.yaml} (path in system property
 * {@code tokenlabs.chaos.config}) overridden key by key by system properties
 * {@code tokenlabs.chaos.<key>} (e.g. {@code -Dtokenlabs.chaos.prometheus.url=...}; lists
 * comma-separated). See the README's configuration reference for every key.
 *
 * <p>It holds no secret: credentials are named by file or environment variable and read only when
 * a client is built ({@link #prometheusEndpoint()}).
 *
 * @param target {@code lab} (default) or {@code cluster}
 * @param labProfile the lab's hardware profile ({@code gb10}, {@code h200}, ...)
 * @param prometheus how to reach Prometheus on a cluster
 * @param kubernetes which kube context to use and which are allowed
 * @param allowedNamespaces the only namespaces faults may act in
 * @param dryRun journal and print every action, take none
 * @param recoveryTimeout default time for the steady state to hold again after rollback
 * @param probeTimeout the longest one probe reading may take before it is an ERROR
 * @param journalDir where the journal and the pending-rollback files go
 * @param journalKeyFile the key that authenticates the pending-rollback records, kept outside
 *     {@code journalDir}; empty for the default under the user's state directory
 * @param endpoints model servers, gateway and DCGM exporters of a cluster
 * @param pushgateway where each run's results are pushed, if anywhere
 * @param webhook where a Slack-compatible message about each finished run is posted, if anywhere
 * @param mavenProfile {@code chaos} under {@code mvn -Pchaos}; anything else refuses a cluster
 * @param source the configuration file, if one was read
 * @param traces the trace backend trace probes ask ({@code traces.*}), or none
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ChaosConfig(String target, String labProfile, PrometheusSettings prometheus,
                          KubernetesSettings kubernetes, List<String> allowedNamespaces, boolean dryRun,
                          Duration recoveryTimeout, Duration probeTimeout, Path journalDir,
                          Optional<Path> journalKeyFile, EndpointSettings endpoints,
                          PushgatewaySettings pushgateway, WebhookSettings webhook, String mavenProfile,
                          Optional<Path> source, TraceSettings traces) {

  public ChaosConfig {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(labProfile, "labProfile");
    Objects.requireNonNull(prometheus, "prometheus");
    Objects.requireNonNull(kubernetes, "kubernetes");
    allowedNamespaces = List.copyOf(allowedNamespaces);
    Objects.requireNonNull(recoveryTimeout, "recoveryTimeout");
    Objects.requireNonNull(probeTimeout, "probeTimeout");
    Objects.requireNonNull(journalDir, "journalDir");
    Objects.requireNonNull(journalKeyFile, "journalKeyFile");
    Objects.requireNonNull(endpoints, "endpoints");
    Objects.requireNonNull(pushgateway, "pushgateway");
    Objects.requireNonNull(webhook, "webhook");
    Objects.requireNonNull(mavenProfile, "mavenProfile");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(traces, "traces");
  }

  /**
   * The trace backend with its token read now from the configured file or environment variable; empty
   * when none is configured.
   *
   * @throws ChaosConfigException when a named token file or variable cannot be read
   */
  public Optional<TraceBackendEndpoint> traceBackendEndpoint() {
    return traces.kind().flatMap(kind -> traces.url().map(url -> new TraceBackendEndpoint(kind, url,
        traces.readBearerToken(), traces.caFile(), traces.maxResponseBytes())));
  }

  /**
   * The trace backend a trace probe asks ({@code traces.*}).
   *
   * @param kind which query API: Tempo, Jaeger or Zipkin
   * @param url its base URL
   * @param bearerTokenFile file holding a bearer token
   * @param bearerTokenEnv environment variable holding a bearer token
   * @param caFile PEM file of a custom CA to trust
   * @param maxResponseBytes the most the probe reads of one answer
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record TraceSettings(Optional<TraceBackendEndpoint.Kind> kind, Optional<URI> url,
                              Optional<Path> bearerTokenFile, Optional<String> bearerTokenEnv, Optional<Path> caFile,
                              long maxResponseBytes) {
    public TraceSettings {
      if (maxResponseBytes < 1) {
        throw new IllegalArgumentException("traces.maxResponseBytes must be >= 1, was " + maxResponseBytes);
      }
    }

    /** No trace backend. */
    public static TraceSettings none() {
      return new TraceSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          TraceBackendEndpoint.DEFAULT_MAX_RESPONSE_BYTES);
    }

    Optional<Secret> readBearerToken() {
      if (bearerTokenFile.isPresent()) {
        try {
          return Optional.of(Secret.of(java.nio.file.Files.readString(bearerTokenFile.get()).strip()));
        } catch (java.io.IOException e) {
          throw new ChaosConfigException("traces.bearerTokenFile: cannot read '" + bearerTokenFile.get() + "' (" + e
              + "); give a readable file that holds the token");
        }
      }
      return bearerTokenEnv.map(name -> {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
          throw new ChaosConfigException("traces.bearerTokenEnv: environment variable '" + name
              + "' is not set or empty; export it before the run or remove the key");
        }
        return Secret.of(value.strip());
      });
    }
  }

  /**
   * Whether the chaos profile's property says {@code chaos}. Necessary, not sufficient: the engine arms
   * a cluster run only when the experiments also run inside Maven's own JVM, as {@code mvn -Pchaos}
   * runs them, so a property set by other means arms nothing.
   */
  public boolean chaosProfileActive() {
    return "chaos".equals(mavenProfile);
  }

  /**
   * The Prometheus endpoint with credentials read now from the configured file or environment
   * variable; empty when no URL is configured.
   *
   * @throws ChaosConfigException when a named token file or variable cannot be read
   */
  public Optional<PrometheusEndpoint> prometheusEndpoint() {
    return prometheus.url().map(url -> new PrometheusEndpoint(url,
        prometheus.readBearerToken(), prometheus.basicAuthUser(), prometheus.readBasicPassword(),
        prometheus.caFile(), prometheus.maxResponseBytes()));
  }

  /**
   * Prometheus settings.
   *
   * @param url base URL
   * @param bearerTokenFile file holding a bearer token (e.g. a mounted ServiceAccount token)
   * @param bearerTokenEnv environment variable holding a bearer token
   * @param basicAuthUser basic-auth user
   * @param basicAuthPasswordEnv environment variable holding the basic-auth password
   * @param caFile PEM CA to trust
   * @param maxResponseBytes the most the client reads of one answer; a larger one is an ERROR naming this bound
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record PrometheusSettings(Optional<URI> url, Optional<Path> bearerTokenFile, Optional<String> bearerTokenEnv,
                                   Optional<String> basicAuthUser, Optional<String> basicAuthPasswordEnv,
                                   Optional<Path> caFile, long maxResponseBytes) {

    public PrometheusSettings {
      if (maxResponseBytes < 1) {
        throw new IllegalArgumentException("prometheus.maxResponseBytes must be >= 1, was " + maxResponseBytes);
      }
    }

    /** Settings with the default bound on answers. */
    public PrometheusSettings(Optional<URI> url, Optional<Path> bearerTokenFile, Optional<String> bearerTokenEnv,
                              Optional<String> basicAuthUser, Optional<String> basicAuthPasswordEnv,
                              Optional<Path> caFile) {
      this(url, bearerTokenFile, bearerTokenEnv, basicAuthUser, basicAuthPasswordEnv, caFile,
          PrometheusEndpoint.DEFAULT_MAX_RESPONSE_BYTES);
    }

    public static PrometheusSettings none() {
      return new PrometheusSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty());
    }

    Optional<Secret> readBearerToken() {
      if (bearerTokenFile.isPresent()) {
        Path file = bearerTokenFile.get();
        try {
          return Optional.of(Secret.of(java.nio.file.Files.readString(file).strip()));
        } catch (java.io.IOException e) {
          throw new ChaosConfigException("prometheus.bearerTokenFile: cannot read '" + file + "' (" + e
              + "); give a readable file that holds the token");
        }
      }
      return bearerTokenEnv.map(name -> Secret.of(requireEnv("prometheus.bearerTokenEnv", name)));
    }

    Optional<Secret> readBasicPassword() {
      return basicAuthPasswordEnv.map(name -> Secret.of(requireEnv("prometheus.basicAuth.passwordEnv", name)));
    }

    private static String requireEnv(String key, String name) {
      String value = System.getenv(name);
      if (value == null || value.isBlank()) {
        throw new ChaosConfigException(key + ": environment variable '" + name
            + "' is not set or empty; export it before the run or remove the key");
      }
      return value.strip();
    }
  }

  /**
   * Kubernetes settings.
   *
   * @param context the kube context to use on a cluster (empty: the kubeconfig's current context)
   * @param allowedContexts the contexts a cluster run may use; the one in use must be listed
   * @param maxResponseBytes the most the Kubernetes client reads of one response, or of one event of a
   *     watch; a larger one is an error naming this bound
   * @param allowedServers API server URLs a cluster run may talk to; when set, the client's must be one
   *     of them (required in-cluster, where there is no kubeconfig to name the server)
   * @param allowedCaSha256 SHA-256 fingerprints (hex) of the CA certificates a cluster run may trust;
   *     when set, the client's CA must be one of them (required in-cluster: cluster IPs repeat across
   *     clusters, CAs do not)
   * @param maxPodsPerRun the most distinct pods one run may delete, evict or replace by a rollout; the next is refused
   * @param serviceAccountDir in a pod, the directory of the ServiceAccount's {@code token}, {@code ca.crt} and
   *     {@code namespace} (empty: fabric8's default, {@code /var/run/secrets/kubernetes.io/serviceaccount})
   * @param allowedNodes the only nodes a fault may cordon (a node drain); empty, the default on a cluster,
   *     means none: a node is changed only when an operator names it here and labels it for chaos
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record KubernetesSettings(Optional<String> context, List<String> allowedContexts, long maxResponseBytes,
                                   List<String> allowedServers, List<String> allowedCaSha256, int maxPodsPerRun,
                                   Optional<Path> serviceAccountDir, List<String> allowedNodes) {
    /** The bound on one Kubernetes response when none is configured: 32 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L << 20;
    /**
     * Pods one run may disturb when none is configured: the game day disturbs six (three experiments
     * and the README's example each force-delete one, ROLL-1's rolling restart replaces Llama's pod,
     * DRAIN-1 asks to evict it), and one spare.
     */
    public static final int DEFAULT_MAX_PODS_PER_RUN = 7;

    public KubernetesSettings {
      Objects.requireNonNull(context, "context");
      Objects.requireNonNull(serviceAccountDir, "serviceAccountDir");
      allowedContexts = List.copyOf(allowedContexts);
      allowedServers = List.copyOf(allowedServers);
      allowedCaSha256 = List.copyOf(allowedCaSha256);
      allowedNodes = List.copyOf(allowedNodes);
      if (maxResponseBytes < 1) {
        throw new IllegalArgumentException("kubernetes.maxResponseBytes must be >= 1, was " + maxResponseBytes);
      }
      if (maxPodsPerRun < 0) {
        throw new IllegalArgumentException("kubernetes.maxPodsPerRun must be >= 0, was " + maxPodsPerRun);
      }
    }

    /** Settings that allow no node to be cordoned. */
    public KubernetesSettings(Optional<String> context, List<String> allowedContexts, long maxResponseBytes,
                              List<String> allowedServers, List<String> allowedCaSha256, int maxPodsPerRun,
                              Optional<Path> serviceAccountDir) {
      this(context, allowedContexts, maxResponseBytes, allowedServers, allowedCaSha256, maxPodsPerRun,
          serviceAccountDir, List.of());
    }

    /** Settings with fabric8's default ServiceAccount directory. */
    public KubernetesSettings(Optional<String> context, List<String> allowedContexts, long maxResponseBytes,
                              List<String> allowedServers, List<String> allowedCaSha256, int maxPodsPerRun) {
      this(context, allowedContexts, maxResponseBytes, allowedServers, allowedCaSha256, maxPodsPerRun, Optional.empty());
    }

    /** Settings with no server or CA pinned and the default pod budget. */
    public KubernetesSettings(Optional<String> context, List<String> allowedContexts, long maxResponseBytes) {
      this(context, allowedContexts, maxResponseBytes, List.of(), List.of(), DEFAULT_MAX_PODS_PER_RUN);
    }

    /** Settings with the default bound on responses. */
    public KubernetesSettings(Optional<String> context, List<String> allowedContexts) {
      this(context, allowedContexts, DEFAULT_MAX_RESPONSE_BYTES);
    }
  }

  /**
   * Endpoints of a cluster target (the lab supplies its own).
   *
   * @param gateway the inference gateway
   * @param models model name to base URL of a model server
   * @param dcgmExporters DCGM exporter metrics URLs
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record EndpointSettings(Optional<URI> gateway, Map<String, URI> models, List<URI> dcgmExporters) {
    public EndpointSettings {
      Objects.requireNonNull(gateway, "gateway");
      models = Map.copyOf(models);
      dcgmExporters = List.copyOf(dcgmExporters);
    }
  }

  /**
   * Where a run pushes its results when it finishes: a Prometheus Pushgateway, the place batch jobs
   * report to.
   *
   * @param url the Pushgateway's base URL; empty: nothing is pushed
   * @param job the {@code job} label of the pushed group, the name the alert rules select
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record PushgatewaySettings(Optional<URI> url, String job) {
    /** The job name when none is configured; the shipped game-day rules select it. */
    public static final String DEFAULT_JOB = "tokenlabs-chaos-gameday";

    public PushgatewaySettings {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(job, "job");
    }

    /** Nothing pushed. */
    public static PushgatewaySettings none() {
      return new PushgatewaySettings(Optional.empty(), DEFAULT_JOB);
    }
  }

  /**
   * Where a message about each finished run is posted: an incoming-webhook URL that takes Slack's
   * {@code {"text": ...}} payload. The URL is a credential (whoever has it can post), so it is named
   * by file or environment variable and read only when the run finishes.
   *
   * @param urlFile a file holding the URL (e.g. a mounted Secret)
   * @param urlEnv an environment variable holding the URL
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record WebhookSettings(Optional<Path> urlFile, Optional<String> urlEnv) {
    public WebhookSettings {
      Objects.requireNonNull(urlFile, "urlFile");
      Objects.requireNonNull(urlEnv, "urlEnv");
      if (urlFile.isPresent() && urlEnv.isPresent()) {
        throw new IllegalArgumentException("webhook.urlFile and webhook.urlEnv are both set; set only one of them");
      }
    }

    /** No message posted. */
    public static WebhookSettings none() {
      return new WebhookSettings(Optional.empty(), Optional.empty());
    }

    /**
     * The URL, read now; empty when none is configured.
     *
     * @throws ChaosConfigException when the named file or variable cannot be read or is empty
     */
    public Optional<Secret> readUrl() {
      if (urlFile.isPresent()) {
        try {
          String url = java.nio.file.Files.readString(urlFile.get()).strip();
          if (!url.isEmpty()) {
            return Optional.of(Secret.of(url));
          }
        } catch (java.io.IOException e) {
          throw new ChaosConfigException("webhook.urlFile: cannot read '" + urlFile.get() + "' (" + e
              + "); give a readable file that holds the webhook URL");
        }
        throw new ChaosConfigException("webhook.urlFile: '" + urlFile.get() + "' is empty; write the webhook URL into it");
      }
      return urlEnv.map(name -> {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
          throw new ChaosConfigException("webhook.urlEnv: environment variable '" + name
              + "' is not set or empty; export it before the run or remove the key");
        }
        return Secret.of(value.strip());
      });
    }
  }
}
