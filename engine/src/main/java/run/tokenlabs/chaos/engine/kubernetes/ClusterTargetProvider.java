package run.tokenlabs.chaos.engine.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.BoundedKubernetesClients;
import run.tokenlabs.chaos.api.spi.TargetProvider;

/**
 * The {@code cluster} target: a real cluster through the kubeconfig (or in-cluster ServiceAccount),
 * with endpoints from the configuration. The kube context in use must be listed in
 * {@code kubernetes.allowedContexts}; the engine has already refused it without {@code -Pchaos}. The
 * client reads no response, nor watch event, longer than {@code kubernetes.maxResponseBytes}.
 */
public final class ClusterTargetProvider implements TargetProvider {

  @Override
  public String kind() {
    return "cluster";
  }

  @Override
  public Target open(ChaosConfig config) {
    Config kube = Config.autoConfigure(config.kubernetes().context().orElse(null));
    String context = kube.getCurrentContext() == null ? "in-cluster" : kube.getCurrentContext().getName();
    List<String> allowed = config.kubernetes().allowedContexts();
    if (!allowed.contains(context)) {
      throw new ChaosConfigException("kubernetes.allowedContexts: the kube context in use is '" + context
          + "', which is not allowed " + allowed + "; add it to kubernetes.allowedContexts if this cluster is meant"
          + " to be a chaos target");
    }
    KubernetesClient client = BoundedKubernetesClients.build(kube, config.kubernetes().maxResponseBytes());
    return new ClusterTarget("cluster (context " + context + ")", client, config.prometheusEndpoint(),
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
