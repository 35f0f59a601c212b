package run.tokenlabs.chaos.faults;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which pods on a node a drain evicts and which it leaves, and why, as {@code kubectl drain} decides:
 * DaemonSet pods and mirror pods stay (their controller or kubelet would put them back at once), terminating
 * pods are already going; and pods outside the drain's namespaces stay, because chaos acts only in allowed,
 * labelled namespaces.
 *
 * @param evict pods to evict, as {@code namespace/name}
 * @param leave pods left, {@code namespace/name} to the reason
 */
record DrainPlan(List<String> evict, Map<String, String> leave) {

  static DrainPlan of(List<Pod> podsOnNode, Set<String> namespaces) {
    List<String> evict = new ArrayList<>();
    Map<String, String> leave = new LinkedHashMap<>();
    for (Pod pod : podsOnNode) {
      String id = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      var controller = ForceDeletePodFault.controllerOf(pod);
      Map<String, String> annotations = pod.getMetadata().getAnnotations();
      if (!namespaces.contains(pod.getMetadata().getNamespace())) {
        leave.put(id, "namespace '" + pod.getMetadata().getNamespace() + "' is not one the drain may evict in "
            + namespaces.stream().sorted().toList());
      } else if (controller.isPresent() && "DaemonSet".equals(controller.get().getKind())) {
        leave.put(id, "owned by DaemonSet " + controller.get().getName());
      } else if (annotations != null && annotations.containsKey(DrainNodeFault.MIRROR)) {
        leave.put(id, "a mirror pod (static pod of the kubelet)");
      } else if (pod.getMetadata().getDeletionTimestamp() != null) {
        leave.put(id, "already terminating");
      } else {
        evict.add(id);
      }
    }
    return new DrainPlan(List.copyOf(evict), java.util.Collections.unmodifiableMap(leave));
  }
}
