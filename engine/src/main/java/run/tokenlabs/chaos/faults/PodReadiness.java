package run.tokenlabs.chaos.faults;

import io.fabric8.kubernetes.api.model.Pod;

/** Whether a pod is Ready and not terminating, as a Service would see it. */
final class PodReadiness {
  private PodReadiness() {
  }

  static boolean isReady(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
