package run.tokenlabs.chaos.engine.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import run.tokenlabs.chaos.api.Target;

/** A target with only a Kubernetes API (a fabric8 mock server in the tests); closing runs {@code onClose}. */
public record KubeOnlyTarget(String name, KubernetesClient kubernetes, Runnable onClose) implements Target {

  @Override
  public void close() {
    onClose.run();
  }
}
