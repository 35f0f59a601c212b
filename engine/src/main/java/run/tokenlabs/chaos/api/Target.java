package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.spi.TargetProvider;

/**
 * The world a run acts on: the embedded lab or a configured cluster. One per run, opened by the
 * engine through a {@link TargetProvider} and closed at the end.
 *
 * <p>Everything that touches the outside comes from here, so an experiment never builds a client
 * or a URL itself and runs unchanged against the lab and a cluster.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Target extends AutoCloseable {

  /** E.g. {@code lab (gb10)} or {@code cluster (context prod-gpu)}. */
  String name();

  /**
   * Kubernetes API client. Owned by the target: do not close it. The target the engine hands to
   * experiments, faults and rollbacks gives a client that refuses, before sending it, any change
   * outside the allowed, labelled namespaces and any pod deletion over the run's budget
   * ({@code kubernetes.maxPodsPerRun}).
   */
  KubernetesClient kubernetes();

  /**
   * Prometheus, if the target has one. Empty by default, like every capability below: a target that only
   * reaches Kubernetes states nothing more, and a probe that needs what is missing fails with an error
   * naming the setting to configure.
   */
  default Optional<PrometheusEndpoint> prometheus() {
    return Optional.empty();
  }

  /** The inference gateway's base URL (OpenAI API behind it), if any. */
  default Optional<URI> gateway() {
    return Optional.empty();
  }

  /** Model servers reachable directly: model name to base URL (serving {@code /v1/...} and {@code /metrics}). */
  default Map<String, URI> models() {
    return Map.of();
  }

  /** DCGM exporter metrics URLs ({@code http://host:9400/metrics}). */
  default List<URI> dcgmExporters() {
    return List.of();
  }

  /**
   * The trace backend whose query API holds the spans of the request path (Tempo, Jaeger, Zipkin), if the
   * target has one. May block until the backend is up (the lab starts its Zipkin server on first use).
   */
  default Optional<TraceBackendEndpoint> traceBackend() {
    return Optional.empty();
  }

  /** Target-specific extras (e.g. the lab handle), or empty. */
  default <T> Optional<T> unwrap(Class<T> type) {
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  @Override
  void close();
}
