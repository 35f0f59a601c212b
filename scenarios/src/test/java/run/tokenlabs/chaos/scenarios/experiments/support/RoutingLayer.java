package run.tokenlabs.chaos.scenarios.experiments.support;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import run.tokenlabs.chaos.api.ProbeException;

/**
 * The routing layer in front of a namespace's model servers, read as Kubernetes objects: Gateway
 * API {@code HTTPRoute}s and the llm-d endpoint picker's {@code InferencePool}s
 * ({@code inference.networking.k8s.io/v1}). A route whose backend is an InferencePool sends its
 * requests through the picker; one whose backend is a Service balances without it.
 *
 * @param namespace where they were listed
 * @param routes every HTTPRoute with its backends
 * @param pools the InferencePools' names
 * @param notInstalled the kinds whose CRD the API server does not serve (a 404 on the list)
 */
public record RoutingLayer(String namespace, List<Route> routes, List<String> pools, List<String> notInstalled) {
  public static final String GATEWAY_API = "gateway.networking.k8s.io";
  public static final String INFERENCE_API = "inference.networking.k8s.io";
  private static final ResourceDefinitionContext HTTP_ROUTES = context(GATEWAY_API, "HTTPRoute", "httproutes");
  private static final ResourceDefinitionContext INFERENCE_POOLS = context(INFERENCE_API, "InferencePool",
      "inferencepools");

  /**
   * One HTTPRoute.
   *
   * @param name its name
   * @param backends its backendRefs as {@code Kind/name}, Service when the kind is left out
   */
  public record Route(String name, List<String> backends) {
    /** Whether any backend is an InferencePool, i.e. the endpoint picker chooses the pod. */
    public boolean viaEndpointPicker() {
      return backends.stream().anyMatch(b -> b.startsWith("InferencePool/"));
    }
  }

  public RoutingLayer {
    routes = List.copyOf(routes);
    pools = List.copyOf(pools);
    notInstalled = List.copyOf(notInstalled);
  }

  /** Lists both kinds in {@code namespace}; a kind whose CRD is absent is noted, not an error. */
  public static RoutingLayer read(KubernetesClient client, String namespace) {
    List<String> notInstalled = new ArrayList<>();
    List<Route> routes = list(client, HTTP_ROUTES, namespace, notInstalled).stream()
        .map(r -> new Route(r.getMetadata().getName(), backends(r))).toList();
    List<String> pools = list(client, INFERENCE_POOLS, namespace, notInstalled).stream()
        .map(p -> p.getMetadata().getName()).toList();
    return new RoutingLayer(namespace, routes, pools, notInstalled);
  }

  /** Whether any route sends requests through an endpoint picker. */
  public boolean hasEndpointPicker() {
    return routes.stream().anyMatch(Route::viaEndpointPicker);
  }

  /** The routes as kubectl would summarise them, one a line, for evidence. */
  public String describe() {
    StringBuilder out = new StringBuilder("HTTPRoutes (" + GATEWAY_API + "/v1) in " + namespace + ": "
        + routes.size() + "\n");
    routes.forEach(r -> out.append("  ").append(r.name()).append(" -> ").append(r.backends())
        .append(r.viaEndpointPicker() ? " (endpoint picker)" : " (plain Service)").append('\n'));
    out.append("InferencePools (" + INFERENCE_API + "/v1) in ").append(namespace).append(": ").append(pools)
        .append('\n');
    if (!notInstalled.isEmpty()) {
      out.append("not served by the API server (CRD not installed): ").append(notInstalled).append('\n');
    }
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static List<String> backends(GenericKubernetesResource route) {
    List<String> out = new ArrayList<>();
    Object spec = route.getAdditionalProperties().get("spec");
    Object rules = spec instanceof Map<?, ?> m ? m.get("rules") : null;
    for (Object rule : rules instanceof List<?> l ? l : List.of()) {
      Object refs = rule instanceof Map<?, ?> m ? m.get("backendRefs") : null;
      for (Object ref : refs instanceof List<?> l ? l : List.of()) {
        Map<String, Object> r = (Map<String, Object>) ref;
        out.add(r.getOrDefault("kind", "Service") + "/" + r.get("name"));
      }
    }
    return out;
  }

  private static List<GenericKubernetesResource> list(KubernetesClient client, ResourceDefinitionContext context,
      String namespace, List<String> notInstalled) {
    try {
      return client.genericKubernetesResources(context).inNamespace(namespace).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        notInstalled.add(context.getKind() + " (" + context.getGroup() + "/" + context.getVersion() + ")");
        return List.of();
      }
      throw new ProbeException("Kubernetes API could not list " + context.getPlural() + "." + context.getGroup()
          + " in " + namespace + ": HTTP " + e.getCode() + " " + e.getMessage() + "; expected a list (or 404 when "
          + "the CRD is not installed); check the ServiceAccount's RBAC (k8s-rbac grants list on it)", e);
    }
  }

  private static ResourceDefinitionContext context(String group, String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup(group).withVersion("v1").withKind(kind)
        .withPlural(plural).withNamespaced(true).build();
  }
}
