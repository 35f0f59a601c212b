package run.tokenlabs.chaos.lab.kube;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resource types the lab's API server offers, in one place: what discovery lists, what the
 * OpenAPI documents describe, and how a request path maps to a kind (so a list says {@code PodList},
 * not the mock's generic {@code List}).
 */
final class ApiResources {
  /**
   * One resource type.
   *
   * @param group API group, empty for the core group
   * @param version API version
   * @param plural the path segment ({@code pods})
   * @param singular the singular name
   * @param kind the object kind ({@code Pod})
   * @param namespaced whether it lives in namespaces
   * @param shortName kubectl's short name ({@code po})
   */
  record Resource(String group, String version, String plural, String singular, String kind, boolean namespaced,
      String shortName) {
    /** {@code v1} or {@code apps/v1}. */
    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code /api/v1} or {@code /apis/apps/v1}. */
    String prefix() {
      return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }
  }

  static final List<Resource> ALL = List.of(
      new Resource("", "v1", "namespaces", "namespace", "Namespace", false, "ns"),
      new Resource("", "v1", "nodes", "node", "Node", false, "no"),
      new Resource("", "v1", "pods", "pod", "Pod", true, "po"),
      new Resource("", "v1", "services", "service", "Service", true, "svc"),
      new Resource("", "v1", "endpoints", "endpoints", "Endpoints", true, "ep"),
      new Resource("", "v1", "configmaps", "configmap", "ConfigMap", true, "cm"),
      new Resource("", "v1", "events", "event", "Event", true, "ev"),
      new Resource("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, "sa"),
      new Resource("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, "pvc"),
      new Resource("apps", "v1", "deployments", "deployment", "Deployment", true, "deploy"),
      new Resource("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, "rs"),
      new Resource("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, "ds"),
      new Resource("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, "sts"),
      new Resource("batch", "v1", "jobs", "job", "Job", true, ""),
      new Resource("batch", "v1", "cronjobs", "cronjob", "CronJob", true, "cj"),
      // what a node drain's evictions are checked against
      new Resource("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true, "pdb"),
      // RBAC, so the runner's own manifests (k8s-rbac/) can be applied to the lab as to a cluster
      new Resource("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, ""),
      new Resource("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, ""),
      new Resource("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, ""),
      new Resource("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding",
          "ClusterRoleBinding", false, ""),
      // the routing layer in front of the models, as the CRDs of Gateway API and of its inference
      // extension (the llm-d endpoint picker's InferencePool) install it
      new Resource(Topology.GATEWAY_API_GROUP, "v1", "httproutes", "httproute", "HTTPRoute", true, ""),
      new Resource(Topology.INFERENCE_API_GROUP, "v1", "inferencepools", "inferencepool", "InferencePool", true,
          ""),
      // Chaos Mesh's fault resources, which the lab's ChaosMeshController applies as Chaos Mesh would
      new Resource("chaos-mesh.org", "v1alpha1", "networkchaos", "networkchaos", "NetworkChaos", true, ""),
      new Resource("chaos-mesh.org", "v1alpha1", "httpchaos", "httpchaos", "HTTPChaos", true, ""),
      new Resource("chaos-mesh.org", "v1alpha1", "podchaos", "podchaos", "PodChaos", true, ""));

  /** Group-version prefixes served, core first: {@code /api/v1}, {@code /apis/apps/v1}, ... */
  static final List<String> PREFIXES = ALL.stream().map(Resource::prefix).distinct().toList();

  /** The API groups other than the core group, in the order they are served. */
  static List<String> groups() {
    return ALL.stream().map(Resource::group).filter(g -> !g.isEmpty()).distinct().toList();
  }

  private static final Pattern PATH = Pattern.compile(
      "(/api/v1|/apis/[^/]+/[^/]+)(?:/namespaces/([^/]+))?/([^/]+)(?:/([^/]+))?(?:/([^/]+))?");

  private ApiResources() {}

  /**
   * What a resource path addresses.
   *
   * @param resource the resource type
   * @param namespace the namespace, empty for a cluster-wide path
   * @param name the object's name, empty for a collection
   * @param subresource {@code status} and the like, empty for none
   */
  record Target(Resource resource, String namespace, String name, String subresource) {
    boolean collection() {
      return name.isEmpty();
    }
  }

  /** The resource a path (without query) addresses; empty for discovery documents and unknown types. */
  static Optional<Target> parse(String path) {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      return Optional.empty();
    }
    String prefix = m.group(1);
    String namespace = m.group(2) == null ? "" : m.group(2);
    String plural = m.group(3);
    for (Resource r : ALL) {
      if (r.prefix().equals(prefix) && r.plural().equals(plural)) {
        return Optional.of(new Target(r, namespace, m.group(4) == null ? "" : m.group(4),
            m.group(5) == null ? "" : m.group(5)));
      }
    }
    return Optional.empty();
  }

  /** The resources of one group-version prefix. */
  static List<Resource> under(String prefix) {
    return ALL.stream().filter(r -> r.prefix().equals(prefix)).toList();
  }
}
