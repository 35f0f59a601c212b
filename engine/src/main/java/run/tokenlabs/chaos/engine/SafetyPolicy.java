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
 * non-embedded target needs {@code mvn -Pchaos} or the packaged runner's {@code --arm}; faults act only in allowed, labelled namespaces,
 * never in {@code kube-system}. The namespaces a fault declares are checked here before it prepares;
 * what its calls really do is checked again on every call by the blast radius of the target's client.
 */
final class SafetyPolicy {
  private SafetyPolicy() {
  }

  /**
   * The class that starts Maven's own JVM. It is on the system class path only there, so finding it
   * tells "the experiments run inside Maven's JVM", which under failsafe only the chaos profile does
   * ({@code forkCount} 0 there, pinned to 1 outside it): no system property can fake it.
   */
  static final String MAVEN_LAUNCHER = "org.codehaus.plexus.classworlds.launcher.Launcher";

  /** Refuses a target outside the JVM unless the run was started with the chaos profile. */
  static void requireArmedFor(String targetKind, boolean embedded, ChaosConfig config) {
    requireArmedFor(targetKind, embedded, config, ClassLoader.getSystemClassLoader());
  }

  /**
   * Armed means both: the chaos profile's property ({@code tokenlabs.chaos.profile=chaos}) and the
   * experiments running in Maven's own JVM, where only that profile puts them. The property alone is
   * what a stray {@code -D} or IDE setting gives, so it arms nothing.
   *
   * @param systemLoader the JVM's system class loader, where Maven's launcher is found under Maven
   */
  static void requireArmedFor(String targetKind, boolean embedded, ChaosConfig config, ClassLoader systemLoader) {
    requireArmedFor(targetKind, embedded, config, systemLoader, RunnerArming.armed());
  }

  /**
   * As {@link #requireArmedFor(String, boolean, ChaosConfig, ClassLoader)}; {@code armedByRunner} tells that the
   * packaged runner was started with {@code --arm} ({@link RunnerArming}), which stands for Maven's JVM.
   */
  static void requireArmedFor(String targetKind, boolean embedded, ChaosConfig config, ClassLoader systemLoader,
                              boolean armedByRunner) {
    if (embedded) {
      return;
    }
    if (!config.chaosProfileActive()) {
      throw new ChaosConfigException("target '" + targetKind + "' acts on a real cluster, and this run is not armed "
          + "(tokenlabs.chaos.profile=" + config.mavenProfile() + "); run it with 'mvn -Pchaos verify' or the runner's "
          + "'tokenlabs-chaos --arm', or use target: lab. Tests can only reach the lab.");
    }
    if (!armedByRunner && !insideMaven(systemLoader)) {
      throw new ChaosConfigException("target '" + targetKind + "' acts on a real cluster, and this run is not armed: "
          + "tokenlabs.chaos.profile=chaos is set, but the experiments do not run inside Maven's JVM as the chaos "
          + "profile runs them, and a property alone arms nothing; run 'mvn -Pchaos verify' or the runner's "
          + "'tokenlabs-chaos --arm', or use target: lab");
    }
  }

  private static boolean insideMaven(ClassLoader systemLoader) {
    try {
      systemLoader.loadClass(MAVEN_LAUNCHER);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
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
      if (e.getCode() == 401 || e.getCode() == 403) {
        // the server answered: the runner's identity may not read the namespace; more tries will not help
        throw new IllegalStateException("Cannot check namespace '" + ns + "' before fault '" + fault + "': the "
            + "Kubernetes API at " + client.getMasterUrl() + " answered " + e.getCode()
            + (e.getCode() == 401 ? " Unauthorized (the credentials were not accepted)" : " Forbidden (the runner "
            + "may not get namespaces)") + "; nothing was injected. Give the runner's identity 'get' on "
            + "namespaces (the ClusterRole in k8s-rbac/) or check the kube context's credentials", e);
      }
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
