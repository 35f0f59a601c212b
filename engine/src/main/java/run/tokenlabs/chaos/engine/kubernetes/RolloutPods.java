package run.tokenlabs.chaos.engine.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pods a change of a Deployment's pod template replaces: a rolling restart (or any template edit)
 * rolls every replica, so the blast radius counts them against {@code kubernetes.maxPodsPerRun} before
 * the change is sent.
 */
final class RolloutPods {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RolloutPods() {
  }

  /**
   * Whether {@code call} may change the pod template of one Deployment: a patch that names
   * {@code spec.template} (merge patch) or a path under {@code /spec/template} (JSON patch), or a whole-object
   * update, which is counted without reading it (it may change the template).
   */
  static boolean changesTemplate(ApiRequest call, String body) {
    if (!call.resource().equals("deployments") || call.name().isEmpty() || !call.subresource().isEmpty()) {
      return false;
    }
    if (call.method().equals("PUT")) {
      return true;
    }
    if (!call.method().equals("PATCH")) {
      return false;
    }
    if (body == null) {
      return true; // unreadable: count it, as a template change may be in it
    }
    JsonNode patch;
    try {
      patch = JSON.readTree(body);
    } catch (IOException e) {
      return true;
    }
    if (patch != null && patch.isArray()) {
      for (JsonNode op : patch) {
        if (op.path("path").asText().startsWith("/spec/template")) {
          return true;
        }
      }
      return false;
    }
    return patch == null || patch.path("spec").has("template");
  }

  /**
   * The names of the Deployment's pods as they are now, and a placeholder for each replica the spec asks
   * for beyond them (a pod not yet created is replaced too); empty when the Deployment does not exist.
   */
  static List<String> of(KubernetesClient reader, String namespace, String deployment) {
    Deployment d = reader.apps().deployments().inNamespace(namespace).withName(deployment).get();
    if (d == null) {
      return List.of();
    }
    Map<String, String> match = d.getSpec().getSelector() == null ? null : d.getSpec().getSelector().getMatchLabels();
    List<String> names = new ArrayList<>();
    if (match != null && !match.isEmpty()) {
      reader.pods().inNamespace(namespace).withLabels(match).list().getItems().stream()
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
          .map(Pod::getMetadata).forEach(m -> names.add(m.getName()));
    }
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    for (int i = names.size(); i < replicas; i++) {
      names.add(deployment + " (replica " + (i + 1) + " of " + replicas + ")");
    }
    return names;
  }
}
