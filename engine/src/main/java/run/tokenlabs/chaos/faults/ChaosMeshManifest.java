package run.tokenlabs.chaos.faults;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Chaos Mesh custom resource a {@link ChaosMeshFault} creates, as the fabric8 generic resource
 * sent to the API server. The fields common to every kind are written here, so that no fault can
 * leave one out: {@code selector} with {@code namespaces} set to the resource's own namespace and
 * {@code labelSelectors}, {@code mode} {@code one} or {@code fixed} with its {@code value} (a string,
 * as Chaos Mesh reads it), and {@code duration}, after which Chaos Mesh recovers by itself even when
 * the runner that created the resource is gone.
 */
final class ChaosMeshManifest {
  /** The label every resource the engine creates carries, so that {@code kubectl get} can find leftovers. */
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String MANAGER = "tokenlabs-chaos";

  private ChaosMeshManifest() {
  }

  static GenericKubernetesResource build(ChaosKind kind, String namespace, String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(ChaosKind.API_VERSION).withKind(kind.kind)
        .withNewMetadata().withName(name).withNamespace(namespace).addToLabels(MANAGED_BY, MANAGER).endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }

  /** {@code selector}, {@code mode} and {@code value} for {@code pods} pods matching {@code labels} in {@code namespace}. */
  static Map<String, Object> scope(String namespace, LabelSelectors.Selector labels, int pods) {
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("selector", selector(namespace, labels));
    scope.put("mode", pods == 1 ? "one" : "fixed");
    if (pods > 1) {
      scope.put("value", Integer.toString(pods));
    }
    return scope;
  }

  private static Map<String, Object> selector(String namespace, LabelSelectors.Selector labels) {
    Map<String, Object> selector = new LinkedHashMap<>();
    selector.put("namespaces", List.of(namespace));
    selector.put("labelSelectors", labelMap(labels));
    return selector;
  }

  /**
   * The selector as Chaos Mesh's {@code labelSelectors} map, which holds equality requirements only;
   * any other requirement is refused rather than dropped, since dropping one would widen the selection.
   */
  static Map<String, String> labelMap(LabelSelectors.Selector labels) {
    Map<String, String> map = new LinkedHashMap<>();
    for (LabelSelectors.Requirement r : labels.requirements()) {
      if (!r.operator().equals("=") || map.containsKey(r.key())) {
        throw new IllegalArgumentException("Chaos Mesh selects pods by a map of label equalities, and the "
            + "selector '" + labels.text() + "' has '" + r.canonical() + "', which such a map cannot hold "
            + "without selecting more pods; write the selector as key=value pairs, e.g. app=llama-3-1-8b");
      }
      map.put(r.key(), r.values().get(0));
    }
    return map;
  }

  /** A duration as Chaos Mesh (Go's {@code time.ParseDuration}) reads it: {@code 300ms}, {@code 90s}. */
  static String goDuration(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
