package run.tokenlabs.chaos.engine.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.SafetyLabels;

/**
 * The one change to a node the blast radius lets through: a merge patch that sets or clears
 * {@code spec.unschedulable} and nothing else (cordon, uncordon), on a node named in
 * {@code kubernetes.allowedNodes} that carries the chaos label ({@code tokenlabs.run/chaos=allowed}, the
 * namespaces' label) when the patch is sent. Labels, taints, deletion and whole-object updates of a
 * node stay refused, so a drain can take a node out of scheduling and give it back, nothing more.
 */
final class NodeCordonRule {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<String> allowedNodes;
  private final KubernetesClient reader;

  NodeCordonRule(List<String> allowedNodes, KubernetesClient reader) {
    this.allowedNodes = List.copyOf(allowedNodes);
    this.reader = reader;
  }

  /** Why {@code call} on a node may not be sent, or empty when it is a cordon or uncordon of an allowed node. */
  Optional<String> problem(ApiRequest call, String body) {
    if (!call.method().equals("PATCH") || call.name().isEmpty() || !call.subresource().isEmpty()) {
      return Optional.of("it changes cluster-scoped 'nodes' other than by a patch of one node's spec.unschedulable "
          + "(cordon, uncordon), the only change chaos makes to a node");
    }
    if (!onlyUnschedulable(body)) {
      return Optional.of("it changes cluster-scoped 'nodes' by a patch of node '" + call.name() + "' that is "
          + (body == null ? "not readable" : "'" + body + "'") + ", and the only patch chaos may send a node is a merge patch of spec.unschedulable alone, "
          + "e.g. {\"spec\":{\"unschedulable\":true}}");
    }
    if (!allowedNodes.contains(call.name())) {
      return Optional.of("node '" + call.name() + "' is not in kubernetes.allowedNodes " + allowedNodes
          + "; list it there if draining it is meant");
    }
    Node node;
    try {
      node = reader.nodes().withName(call.name()).get();
    } catch (KubernetesClientException e) {
      return Optional.of("the labels of node '" + call.name() + "' could not be read now (" + e.getMessage()
          + "), so it cannot be shown to allow chaos; check that the API server answers");
    }
    if (node == null) {
      return Optional.of("node '" + call.name() + "' does not exist on the target");
    }
    Map<String, String> labels = node.getMetadata().getLabels();
    if (labels == null || !SafetyLabels.NAMESPACE_LABEL_VALUE.equals(labels.get(SafetyLabels.NAMESPACE_LABEL))) {
      return Optional.of("node '" + call.name() + "' is not labelled for chaos now; label it with 'kubectl label node "
          + call.name() + " " + SafetyLabels.NAMESPACE_LABEL + "=" + SafetyLabels.NAMESPACE_LABEL_VALUE
          + "' to allow draining it");
    }
    return Optional.empty();
  }

  /** Whether {@code body} is {@code {"spec":{"unschedulable":true|false|null}}} exactly. */
  static boolean onlyUnschedulable(String body) {
    if (body == null) {
      return false;
    }
    JsonNode patch;
    try {
      patch = JSON.readTree(body);
    } catch (IOException e) {
      return false;
    }
    if (patch == null || !patch.isObject() || patch.size() != 1 || !patch.path("spec").isObject()) {
      return false;
    }
    JsonNode spec = patch.get("spec");
    JsonNode value = spec.get("unschedulable");
    return spec.size() == 1 && value != null && (value.isBoolean() || value.isNull());
  }
}
