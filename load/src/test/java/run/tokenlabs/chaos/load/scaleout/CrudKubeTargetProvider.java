package run.tokenlabs.chaos.load.scaleout;

import io.fabric8.kubernetes.client.KubernetesClient;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.TargetProvider;

/**
 * The {@code crud-kube} target of the scale-out engine test: only a Kubernetes API, fabric8's mock server
 * in CRUD mode, whose client the test sets before it launches the experiment.
 */
public final class CrudKubeTargetProvider implements TargetProvider {
  /** The mock server's client the next run's target hands out (the engine guards it). */
  static volatile KubernetesClient client;

  @Override
  public String kind() {
    return "crud-kube";
  }

  @Override
  public boolean isEmbedded() {
    return true;
  }

  @Override
  public Target open(ChaosConfig config) {
    return new KubeTarget(client);
  }
}
