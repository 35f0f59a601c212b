package run.tokenlabs.chaos.load.scaleout;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The pods of a scale-out's Job, found by the Job controller's {@code job-name} label, and their phases. */
final class WorkerPods {
  private WorkerPods() {
  }

  static List<Pod> of(KubernetesClient client, String namespace, String job) {
    return client.pods().inNamespace(namespace).withLabel(WorkerJob.JOB_NAME_LABEL, job).list().getItems().stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
  }

  /** The pod of worker {@code index}, by the Job controller's completion-index label. */
  static Optional<Pod> ofIndex(List<Pod> pods, int index) {
    return pods.stream().filter(p -> String.valueOf(index).equals(p.getMetadata().getLabels() == null ? null
        : p.getMetadata().getLabels().get(WorkerJob.INDEX_LABEL))).findFirst();
  }

  static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus().getPhase();
  }

  /** A pod that ended, well or not: before the start barrier, or without a result, that is a failure. */
  static Optional<Pod> firstEnded(List<Pod> pods) {
    return pods.stream().filter(p -> "Failed".equals(phase(p)) || "Succeeded".equals(phase(p))).findFirst();
  }

  static String summary(List<Pod> pods) {
    return pods.isEmpty() ? "no pods" : pods.stream().map(p -> p.getMetadata().getName() + " " + phase(p))
        .collect(Collectors.joining(", "));
  }
}
