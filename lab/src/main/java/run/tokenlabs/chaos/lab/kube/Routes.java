package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import run.tokenlabs.chaos.lab.api.LabProfile;
import run.tokenlabs.chaos.lab.api.ModelProfile;
import run.tokenlabs.chaos.lab.api.ServingEngine;

/**
 * The routing layer the lab seeds in front of its models: one Gateway API {@code HTTPRoute} per
 * model, and on a profile with an endpoint picker an llm-d {@code InferencePool} for the vLLM model
 * that its route points at instead of the Service. These are plain objects in the API server (the lab
 * gateway routes by itself); they are there so an audit reads the routing layer as it reads a cluster's.
 */
final class Routes {
  /** The Gateway the routes attach to, as Envoy Gateway deployments name it. */
  static final String GATEWAY = "inference-gateway";
  /** The header Envoy AI Gateway routes on: the request body's model, lifted into a header. */
  static final String MODEL_HEADER = "x-ai-eg-model";
  /** The endpoint picker's gRPC port (ext-proc), as the inference extension's chart serves it. */
  static final int PICKER_PORT = 9002;

  static final ResourceDefinitionContext HTTP_ROUTES = context(Topology.GATEWAY_API_GROUP, "HTTPRoute",
      "httproutes");
  static final ResourceDefinitionContext INFERENCE_POOLS = context(Topology.INFERENCE_API_GROUP, "InferencePool",
      "inferencepools");

  private Routes() {}

  /** Creates the routes (and the pool, when the profile has an endpoint picker). */
  static void seed(KubernetesClient client, LabProfile profile) {
    for (ModelProfile m : profile.models()) {
      boolean picked = Topology.hasEndpointPicker(profile) && m.engine() == ServingEngine.VLLM;
      if (picked) {
        client.genericKubernetesResources(INFERENCE_POOLS).inNamespace(Topology.NAMESPACE).resource(pool(m)).create();
      }
      client.genericKubernetesResources(HTTP_ROUTES).inNamespace(Topology.NAMESPACE).resource(route(m, picked))
          .create();
    }
  }

  static GenericKubernetesResource route(ModelProfile m, boolean viaPool) {
    Map<String, Object> backend = viaPool
        ? Map.of("group", Topology.INFERENCE_API_GROUP, "kind", "InferencePool", "name", m.name())
        : Map.of("name", m.name(), "port", Topology.MODEL_PORT);
    Map<String, Object> rule = Map.of(
        "matches", List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/v1/"),
            "headers", List.of(Map.of("type", "Exact", "name", MODEL_HEADER, "value", m.name())))),
        "backendRefs", List.of(backend));
    return new GenericKubernetesResourceBuilder().withApiVersion(Topology.GATEWAY_API_GROUP + "/v1")
        .withKind("HTTPRoute").withNewMetadata().withName(m.name()).withNamespace(Topology.NAMESPACE)
        .addToLabels("app", m.name()).endMetadata()
        .addToAdditionalProperties("spec", Map.of("parentRefs", List.of(Map.of("name", GATEWAY)),
            "rules", List.of(rule)))
        .build();
  }

  static GenericKubernetesResource pool(ModelProfile m) {
    return new GenericKubernetesResourceBuilder().withApiVersion(Topology.INFERENCE_API_GROUP + "/v1")
        .withKind("InferencePool").withNewMetadata().withName(m.name()).withNamespace(Topology.NAMESPACE)
        .addToLabels("app", m.name()).endMetadata()
        .addToAdditionalProperties("spec", Map.of(
            "selector", Map.of("matchLabels", Map.of("app", m.name())),
            "targetPorts", List.of(Map.of("number", Topology.MODEL_PORT)),
            "endpointPickerRef", Map.of("name", m.name() + "-epp", "port", Map.of("number", PICKER_PORT))))
        .build();
  }

  private static ResourceDefinitionContext context(String group, String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup(group).withVersion("v1").withKind(kind)
        .withPlural(plural).withNamespaced(true).build();
  }
}
