package run.tokenlabs.chaos.faults;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Why an eviction was refused: the PodDisruptionBudgets of the pod's namespace whose selector matches it,
 * with what they require and allow now. The Eviction API answers 429 with a message naming the budget,
 * which fabric8's {@code evict()} does not hand on; the budgets say the same and more.
 */
final class PdbExplanation {
  private PdbExplanation() {
  }

  static String of(KubernetesClient client, String pod) {
    String[] parts = pod.split("/", 2);
    Pod p = client.pods().inNamespace(parts[0]).withName(parts[1]).get();
    if (p == null) {
      return "its eviction was refused until the bound, then the pod went by other means";
    }
    Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
    List<String> budgets = client.policy().v1().podDisruptionBudget().inNamespace(parts[0]).list().getItems()
        .stream().filter(b -> selects(b, labels)).map(PdbExplanation::describe).toList();
    return budgets.isEmpty()
        ? "its eviction was answered 429 Too Many Requests until the bound, and no PodDisruptionBudget selects it"
        : "its eviction was refused (429) until the bound by " + String.join(", ", budgets);
  }

  private static boolean selects(PodDisruptionBudget budget, Map<String, String> labels) {
    var selector = budget.getSpec() == null ? null : budget.getSpec().getSelector();
    Map<String, String> match = selector == null ? null : selector.getMatchLabels();
    return match != null && !match.isEmpty() && match.entrySet().stream()
        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static String describe(PodDisruptionBudget b) {
    var spec = b.getSpec();
    String rule = spec.getMinAvailable() != null ? "minAvailable " + spec.getMinAvailable().getValue()
        : spec.getMaxUnavailable() != null ? "maxUnavailable " + spec.getMaxUnavailable().getValue() : "no bound";
    Integer allowed = b.getStatus() == null ? null : b.getStatus().getDisruptionsAllowed();
    return "PodDisruptionBudget " + b.getMetadata().getNamespace() + "/" + b.getMetadata().getName() + " (" + rule
        + ", disruptionsAllowed " + (allowed == null ? "unknown" : allowed) + ")";
  }
}
