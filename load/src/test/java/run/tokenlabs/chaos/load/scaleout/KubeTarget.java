package run.tokenlabs.chaos.load.scaleout;

import io.fabric8.kubernetes.client.KubernetesClient;
import run.tokenlabs.chaos.api.Target;

/** A target with only a Kubernetes API: the fabric8 mock server the coordinator tests run against. */
record KubeTarget(KubernetesClient kubernetes) implements Target {

  @Override
  public String name() {
    return "crud-mock";
  }

  @Override
  public void close() {
  }
}
