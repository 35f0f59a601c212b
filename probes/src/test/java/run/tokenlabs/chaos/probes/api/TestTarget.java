package run.tokenlabs.chaos.probes.api;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.Target;

/** A target made of explicit endpoints, for probe tests. */
record TestTarget(KubernetesClient kubernetesClient, Optional<PrometheusEndpoint> prometheus, Optional<URI> gateway,
                  Map<String, URI> models, List<URI> dcgmExporters) implements Target {

  static TestTarget withPrometheus(URI url) {
    return new TestTarget(null, Optional.of(PrometheusEndpoint.unauthenticated(url)), Optional.empty(), Map.of(), List.of());
  }

  static TestTarget withDcgmExporters(URI... exporters) {
    return new TestTarget(null, Optional.empty(), Optional.empty(), Map.of(), List.of(exporters));
  }

  @Override
  public String name() {
    return "test target";
  }

  @Override
  public KubernetesClient kubernetes() {
    if (kubernetesClient == null) {
      throw new UnsupportedOperationException("this test target has no Kubernetes");
    }
    return kubernetesClient;
  }

  @Override
  public void close() {
  }
}
