package run.tokenlabs.chaos.engine.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.BoundedKubernetesClients;
import run.tokenlabs.chaos.api.spi.TargetProvider;

/**
 * The {@code cluster} target: a real cluster through the kubeconfig (or in-cluster ServiceAccount),
 * with endpoints from the configuration. The context in use must be listed in
 * {@code kubernetes.allowedContexts}, and the client must talk to the server its kubeconfig entry
 * names (and to a pinned server and CA when configured; in a pod they are required): see
 * {@link ContextGuard}. The engine has already refused it unless armed by {@code -Pchaos}. The client
 * reads no response, nor watch event, longer than {@code kubernetes.maxResponseBytes}.
 */
public final class ClusterTargetProvider implements TargetProvider {

  @Override
  public String kind() {
    return "cluster";
  }

  @Override
  public Target open(ChaosConfig config) {
    ContextGuard.Allowed allowed = ContextGuard.check(config.kubernetes(), System.getProperties(), System.getenv(),
        KubeconfigContexts.read());
    KubernetesClient client = BoundedKubernetesClients.build(allowed.config(), config.kubernetes().maxResponseBytes());
    return new ClusterTarget("cluster (context " + allowed.context() + ")", client, config.prometheusEndpoint(),
        config.endpoints().gateway(), config.endpoints().models(), config.endpoints().dcgmExporters(),
        config.traceBackendEndpoint());
  }

  private record ClusterTarget(String name, KubernetesClient kubernetes, Optional<PrometheusEndpoint> prometheus,
                               Optional<URI> gateway, Map<String, URI> models, List<URI> dcgmExporters,
                               Optional<TraceBackendEndpoint> traceBackend)
      implements Target {
    @Override
    public void close() {
      kubernetes.close();
    }
  }
}
