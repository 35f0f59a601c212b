package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;

/**
 * fabric8's CRUD dispatcher plus the API discovery documents ({@code /api}, {@code /api/v1},
 * {@code /apis}, {@code /apis/apps/v1}) that kubectl reads before anything else; without them it
 * fails with "the server doesn't have a resource type pods". Pod lists asked for as a Table get one.
 */
final class DiscoveryDispatcher extends KubernetesCrudDispatcher {
  private static final String CORE = "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"v1\","
      + "\"resources\":[" + String.join(",",
          resource("namespaces", "namespace", false, "Namespace", "ns"),
          resource("nodes", "node", false, "Node", "no"),
          resource("pods", "pod", true, "Pod", "po"),
          subresource("pods/status", "Pod"),
          resource("services", "service", true, "Service", "svc"),
          resource("endpoints", "endpoints", true, "Endpoints", "ep"),
          resource("configmaps", "configmap", true, "ConfigMap", "cm"),
          resource("events", "event", true, "Event", "ev"),
          resource("serviceaccounts", "serviceaccount", true, "ServiceAccount", "sa")) + "]}";
  private static final String APPS = "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"apps/v1\","
      + "\"resources\":[" + String.join(",",
          resource("deployments", "deployment", true, "Deployment", "deploy"),
          subresource("deployments/status", "Deployment"),
          resource("replicasets", "replicaset", true, "ReplicaSet", "rs"),
          resource("daemonsets", "daemonset", true, "DaemonSet", "ds"),
          resource("statefulsets", "statefulset", true, "StatefulSet", "sts")) + "]}";
  private static final String API = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
      + "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";
  private static final String APIS = "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[{\"name\":\"apps\","
      + "\"versions\":[{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}],"
      + "\"preferredVersion\":{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}}]}";

  DiscoveryDispatcher() {
    super(List.of());
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    int q = path.indexOf('?');
    String bare = (q < 0 ? path : path.substring(0, q));
    if (bare.endsWith("/") && bare.length() > 1) {
      bare = bare.substring(0, bare.length() - 1);
    }
    if ("GET".equals(request.getMethod())) {
      switch (bare) {
        case "/api":
          return json(API);
        case "/api/v1":
          return json(CORE);
        case "/apis":
          return json(APIS);
        case "/apis/apps/v1":
          return json(APPS);
        default:
          break;
      }
    }
    MockResponse response = super.dispatch(request);
    if (wantsPodTable(request, bare) && response.code() == 200) {
      try {
        return json(PodTable.fromPodList(new String(response.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8)));
      } catch (java.io.IOException | RuntimeException e) {
        return response; // not a pod list after all: kubectl prints the plain list
      }
    }
    return response;
  }

  /** A pod list (not a watch) asked for as a server-side Table, as kubectl get does. */
  private static boolean wantsPodTable(RecordedRequest request, String bare) {
    String accept = request.getHeader("Accept");
    return "GET".equals(request.getMethod()) && accept != null && accept.contains("as=Table")
        && bare.matches("/api/v1(/namespaces/[^/]+)?/pods") && !request.getPath().contains("watch=");
  }

  private static MockResponse json(String body) {
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(body);
  }

  private static String resource(String name, String singular, boolean namespaced, String kind, String shortName) {
    return "{\"name\":\"" + name + "\",\"singularName\":\"" + singular + "\",\"namespaced\":" + namespaced
        + ",\"kind\":\"" + kind + "\",\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\","
        + "\"patch\",\"update\",\"watch\"],\"shortNames\":[\"" + shortName + "\"]}";
  }

  private static String subresource(String name, String kind) {
    return "{\"name\":\"" + name + "\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"" + kind
        + "\",\"verbs\":[\"get\",\"patch\",\"update\"]}";
  }
}
