package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The status the kubelet writes for a Job pod the lab runs as a local process: its phase, the pod IP
 * (loopback, like every lab pod), the Ready conditions, and its container's running or terminated state.
 */
final class JobPodStatus {
  static final String POD_IP = "127.0.0.1";
  private static final Logger LOG = Logger.getLogger(JobPodStatus.class.getName());

  private JobPodStatus() {}

  /** Writes the pod's status: {@code phase}, its one container's state, and {@code message} (null for none). */
  static void write(KubernetesClient client, Pod pod, String phase, ContainerStatus container, String message) {
    String now = now();
    String ready = "Running".equals(phase) ? "True" : "False";
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .editStatus(p -> new PodBuilder(p).editOrNewStatus().withPhase(phase).withMessage(message)
              .withPodIP(POD_IP).withHostIP(POD_IP).withStartTime(p.getStatus() != null
                  && p.getStatus().getStartTime() != null ? p.getStatus().getStartTime() : now)
              .withConditions(List.of(
                  new PodConditionBuilder().withType("PodScheduled").withStatus("True").withLastTransitionTime(now)
                      .build(),
                  new PodConditionBuilder().withType("Ready").withStatus(ready).withLastTransitionTime(now).build(),
                  new PodConditionBuilder().withType("ContainersReady").withStatus(ready)
                      .withLastTransitionTime(now).build()))
              .withContainerStatuses(container).endStatus().build());
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "pod " + pod.getMetadata().getName() + " vanished before its status was written", e);
    }
  }

  static ContainerStatus running(String container) {
    return new ContainerStatusBuilder().withName(container).withReady(true).withStarted(true).withRestartCount(0)
        .withNewState().withNewRunning().withStartedAt(now()).endRunning().endState().build();
  }

  static ContainerStatus terminated(String container, int code, String reason, String message) {
    String now = now();
    return new ContainerStatusBuilder().withName(container).withReady(false).withStarted(false).withRestartCount(0)
        .withNewState().withNewTerminated().withExitCode(code).withReason(reason).withMessage(message)
        .withFinishedAt(now).endTerminated().endState().build();
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
