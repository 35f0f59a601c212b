package run.tokenlabs.chaos.faults;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import java.util.Arrays;
import java.util.Optional;

/**
 * The Chaos Mesh custom resources the built-in faults create, all in {@code chaos-mesh.org/v1alpha1}.
 * Only a {@code PodChaos} takes pods away (a killed container, a failed pod), so only its pods count
 * against {@code kubernetes.maxPodsPerRun}.
 */
enum ChaosKind {
  NETWORK("NetworkChaos", "networkchaos"),
  HTTP("HTTPChaos", "httpchaos"),
  POD("PodChaos", "podchaos");

  static final String GROUP = "chaos-mesh.org";
  static final String API_VERSION = GROUP + "/v1alpha1";

  final String kind;
  /** The resource name in API paths and RBAC rules. */
  final String plural;

  ChaosKind(String kind, String plural) {
    this.kind = kind;
    this.plural = plural;
  }

  /** The kind named {@code kind} ({@code NetworkChaos}), if the engine creates it. */
  static Optional<ChaosKind> named(String kind) {
    return Arrays.stream(values()).filter(k -> k.kind.equals(kind)).findFirst();
  }

  /**
   * Its resources on {@code client}, addressed without discovery: fabric8 would otherwise ask the API
   * server which resource serves the kind before every call.
   */
  MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
      on(KubernetesClient client) {
    return client.genericKubernetesResources(new ResourceDefinitionContext.Builder().withGroup(GROUP)
        .withVersion("v1alpha1").withKind(kind).withPlural(plural).withNamespaced(true).build());
  }
}
