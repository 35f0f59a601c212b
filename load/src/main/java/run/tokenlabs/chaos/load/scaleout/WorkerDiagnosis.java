package run.tokenlabs.chaos.load.scaleout;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * What a worker's pod says about why it gave no result: its phase, its container's exit code, reason
 * and message, and the last lines of its log (the worker writes its error there), as one line for an
 * error message. Reading the log may fail (no {@code pods/log} right, the pod gone): then it says so.
 */
final class WorkerDiagnosis {
  static final int LOG_LINES = 10;

  private WorkerDiagnosis() {
  }

  static String of(KubernetesClient client, String namespace, Pod pod) {
    var sb = new StringBuilder("pod ").append(pod.getMetadata().getName()).append(" phase ")
        .append(WorkerPods.phase(pod));
    List<ContainerStatus> statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    if (statuses != null && !statuses.isEmpty() && statuses.get(0).getState() != null) {
      ContainerStateTerminated ended = statuses.get(0).getState().getTerminated();
      ContainerStateWaiting waiting = statuses.get(0).getState().getWaiting();
      if (ended != null) {
        sb.append(", exit code ").append(ended.getExitCode()).append(ended.getReason() == null ? "" : " (" + ended.getReason()
            + ")").append(ended.getMessage() == null ? "" : ": " + ended.getMessage());
      } else if (waiting != null) {
        sb.append(", waiting: ").append(waiting.getReason()).append(waiting.getMessage() == null ? ""
            : " " + waiting.getMessage());
      }
    }
    return sb.append(", last log lines: ").append(lastLines(client, namespace, pod.getMetadata().getName())).toString();
  }

  private static String lastLines(KubernetesClient client, String namespace, String pod) {
    try {
      String log = client.pods().inNamespace(namespace).withName(pod).tailingLines(LOG_LINES).getLog();
      return log == null || log.isBlank() ? "(empty)" : "[" + String.join(" | ", log.strip().split("\\R")) + "]";
    } catch (KubernetesClientException e) {
      return "(log not readable: HTTP " + e.getCode() + ", " + e.getMessage() + ")";
    }
  }
}
