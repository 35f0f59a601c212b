package run.tokenlabs.chaos.load.scaleout;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.Target;

/** A target with only a Kubernetes API: the fabric8 mock server the coordinator tests run against. */
record KubeTarget(KubernetesClient kubernetes) implements Target {

  @Override
  public String name() {
    return "crud-mock";
  }

  @Override
  public Optional<PrometheusEndpoint> prometheus() {
    return Optional.empty();
  }

  @Override
  public Optional<URI> gateway() {
    return Optional.empty();
  }

  @Override
  public Map<String, URI> models() {
    return Map.of();
  }

  @Override
  public List<URI> dcgmExporters() {
    return List.of();
  }

  @Override
  public void close() {
  }
}
