package run.tokenlabs.chaos.engine.kubernetes;

import run.tokenlabs.chaos.api.ChaosConfigException;

/**
 * A Kubernetes API call the engine's blast radius refused before it was sent: it would have changed
 * something outside the allowed, labelled namespaces, or disturbed more pods than the run may. Not an
 * assertion: the experiment ends as ERROR, never HELD or DEVIATED, even when its code caught this.
 */
public final class KubernetesCallRefusedException extends ChaosConfigException {
  private static final long serialVersionUID = 1L;

  KubernetesCallRefusedException(String message) {
    super(message);
  }
}
