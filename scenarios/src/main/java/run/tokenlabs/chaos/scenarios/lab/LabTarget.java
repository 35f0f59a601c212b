package run.tokenlabs.chaos.scenarios.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;
import run.tokenlabs.chaos.api.spi.BoundedKubernetesClients;
import run.tokenlabs.chaos.lab.api.Lab;

/**
 * The embedded lab as the engine's {@link Target}. Endpoints are read from the lab on every call,
 * so a model whose pod was force-deleted is simply absent from {@link #models()}.
 *
 * <p>Its Kubernetes client is its own, on the lab's API server: bounded as a cluster target's is
 * ({@code kubernetes.maxResponseBytes}), so the lab exercises the same limits, and recording every API
 * call made through it ({@link #kubernetesApiCalls()}): the calls a cluster's RBAC must allow. The lab
 * keeps its own client for its controllers.
 */
public final class LabTarget implements Target {
  private static final java.time.Duration ZIPKIN_START_TIMEOUT = java.time.Duration.ofSeconds(120);
  private final Lab lab;
  private final LabTargetApiCalls apiCalls;
  private final KubernetesClient kubernetes;

  LabTarget(Lab lab, long maxResponseBytes, Optional<Path> apiCallLog) {
    this.lab = lab;
    this.apiCalls = new LabTargetApiCalls(apiCallLog);
    this.kubernetes = boundedClient(lab.kubernetesClient(), maxResponseBytes, Map.of("tokenlabs-api-calls", apiCalls));
  }

  /** A client of the same API server as {@code labClient}, reading no response longer than the bound. */
  static KubernetesClient boundedClient(KubernetesClient labClient, long maxResponseBytes,
                                        Map<String, Interceptor> interceptors) {
    return BoundedKubernetesClients.build(labClient.getConfiguration(), maxResponseBytes, interceptors);
  }

  /** The lab itself, for experiments that use its fault hooks (stream cuts, stalls, chunked prefill). */
  public Lab lab() {
    return lab;
  }

  /**
   * The lab behind a target. Guard the experiment with {@code @RequiresCapability(LabControls.class)}
   * so that on a cluster it is BLOCKED instead of failing here.
   */
  public static Lab labOf(Target target) {
    return target.unwrap(LabTarget.class).map(LabTarget::lab).orElseThrow(() -> new IllegalStateException(
        "target '" + target.name() + "' is not the embedded lab; add @RequiresCapability(LabControls.class)"));
  }

  @Override
  public String name() {
    return "lab (" + lab.profile().name() + ")";
  }

  @Override
  public KubernetesClient kubernetes() {
    return kubernetes;
  }

  /** The Kubernetes API calls made through {@link #kubernetes()} so far. */
  public LabTargetApiCalls kubernetesApiCalls() {
    return apiCalls;
  }

  @Override
  public Optional<PrometheusEndpoint> prometheus() {
    return Optional.of(PrometheusEndpoint.unauthenticated(lab.prometheusUrl()));
  }

  @Override
  public Optional<URI> gateway() {
    return Optional.of(lab.gatewayUrl());
  }

  @Override
  public Map<String, URI> models() {
    return lab.modelUrls();
  }

  @Override
  public List<URI> dcgmExporters() {
    return lab.dcgmExporterUrls();
  }

  /**
   * The lab's Zipkin server, started on the first call and awaited (its JVM takes seconds, tens on a busy
   * machine); the lab's gateway and model simulators export their spans to it.
   */
  @Override
  public Optional<TraceBackendEndpoint> traceBackend() {
    return Optional.of(TraceBackendEndpoint.unauthenticated(TraceBackendEndpoint.Kind.ZIPKIN,
        lab.zipkinUrl(ZIPKIN_START_TIMEOUT)));
  }

  @Override
  public void close() {
    try {
      kubernetes.close();
    } finally {
      lab.close();
    }
  }
}
