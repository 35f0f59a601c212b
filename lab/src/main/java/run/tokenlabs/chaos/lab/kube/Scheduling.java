package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;

/**
 * The part of the scheduler the lab plays: a cordoned node ({@code spec.unschedulable: true}) takes no new
 * pod. The lab places each model on its own node (the other node's GPU is taken), so a model pod whose
 * node is cordoned has nowhere to go and stays Pending, as on a cluster with one GPU per node.
 */
final class Scheduling {
  private Scheduling() {
  }

  /** Whether {@code node} takes new pods: it exists and is not cordoned. */
  static boolean schedulable(Node node) {
    return node != null && (node.getSpec() == null || !Boolean.TRUE.equals(node.getSpec().getUnschedulable()));
  }

  /** {@code pod} unbound and Pending, with the PodScheduled condition the scheduler writes. */
  static Pod pending(Pod pod, int nodes) {
    return new PodBuilder(pod).editSpec().withNodeName(null).endSpec().withNewStatus().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
        .withMessage(failedScheduling(nodes)).withLastTransitionTime(Instant.now().toString()).endCondition()
        .endStatus().build();
  }

  /** The scheduler's message, e.g. {@code 0/2 nodes are available: 1 node(s) were unschedulable, ...}. */
  static String failedScheduling(int nodes) {
    return "0/" + nodes + " nodes are available: 1 node(s) were unschedulable, " + (nodes - 1)
        + " Insufficient nvidia.com/gpu. preemption: 0/" + nodes + " nodes are available: " + nodes
        + " No preemption victims found for incoming pod.";
  }
}
