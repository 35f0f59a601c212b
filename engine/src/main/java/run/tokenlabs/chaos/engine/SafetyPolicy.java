package run.tokenlabs.chaos.engine;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Set;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.api.SafetyLabels;

/**
 * The rules that make a chaos tool hard to misuse against production (docs/architecture.md, "Safety"): a
 * non-embedded target needs {@code mvn -Pchaos}; faults act only in allowed, labelled namespaces,
 * never in {@code kube-system}.
 */
final class SafetyPolicy {
  private SafetyPolicy() {
  }

  /** Refuses a target outside the JVM unless the run was started with the chaos profile. */
  static void requireArmedFor(String targetKind, boolean embedded, ChaosConfig config) {
    if (!embedded && !config.chaosProfileActive()) {
      throw new ChaosConfigException("target '" + targetKind + "' acts on a real cluster, and this run is not armed "
          + "(tokenlabs.chaos.profile=" + config.mavenProfile() + "); run it with 'mvn -Pchaos verify', or use "
          + "target: lab. Tests can only reach the lab.");
    }
  }

  /**
   * The namespace object, or null when it does not exist. An API server that cannot be asked is not a
   * safety refusal but an ERROR: nothing is injected, and the message says where it tried.
   */
  private static Namespace readNamespace(KubernetesClient client, String ns, String fault) {
    try {
      return client.namespaces().withName(ns).get();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("Cannot check namespace '" + ns + "' before fault '" + fault + "': the "
          + "Kubernetes API at " + client.getMasterUrl() + " did not answer (" + e.getMessage() + "); nothing was "
          + "injected. Check the kube context and that the API server is reachable", e);
    }
  }

  /** Checks every namespace a fault will act in; throws naming the namespace and the rule. */
  static void checkNamespaces(Set<String> namespaces, ChaosConfig config, KubernetesClient client, String fault) {
    for (String ns : namespaces) {
      if ("kube-system".equals(ns)) {
        throw new ChaosConfigException("Refused: fault '" + fault + "' would act in kube-system, which is never a chaos target");
      }
      if (!config.allowedNamespaces().contains(ns)) {
        throw new ChaosConfigException("Refused: fault '" + fault + "' would act in namespace '" + ns
            + "', which is not in namespaces.allowed " + config.allowedNamespaces() + "; add it there if it is meant");
      }
      Namespace namespace = readNamespace(client, ns, fault);
      if (namespace == null) {
        throw new ChaosConfigException("Refused: namespace '" + ns + "' of fault '" + fault + "' does not exist on "
            + "the target");
      }
      Map<String, String> labels = namespace.getMetadata().getLabels();
      if (labels == null || !SafetyLabels.NAMESPACE_LABEL_VALUE.equals(labels.get(SafetyLabels.NAMESPACE_LABEL))) {
        throw new ChaosConfigException("Refused: namespace '" + ns + "' is not labelled for chaos; label it with "
            + "'kubectl label namespace " + ns + " " + SafetyLabels.NAMESPACE_LABEL + "=" + SafetyLabels.NAMESPACE_LABEL_VALUE
            + "' to allow faults there");
      }
    }
  }
}
