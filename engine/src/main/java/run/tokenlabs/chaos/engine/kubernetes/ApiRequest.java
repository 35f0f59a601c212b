package run.tokenlabs.chaos.engine.kubernetes;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One HTTP request to the Kubernetes API as the blast-radius guard sees it: which namespace it acts
 * in, on which resource, and whether it changes anything. Parsed from the path the way the API server
 * routes it ({@code /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}},
 * {@code /apis/{group}/{version}/namespaces/{ns}/...}, cluster-scoped otherwise).
 *
 * @param method the HTTP method, upper case
 * @param path the raw path, without query
 * @param namespace the namespace acted in, or {@code ""} for a cluster-scoped or non-resource request
 * @param resource e.g. {@code pods}; {@code ""} for a non-resource path such as {@code /version}
 * @param name the object's name, or {@code ""} for a collection
 * @param subresource e.g. {@code eviction}, or {@code ""}
 */
record ApiRequest(String method, String path, String namespace, String resource, String name, String subresource) {
  /** Subresources that act on a running container or tunnel into it, whatever the HTTP method (exec is a GET upgrade). */
  private static final Set<String> CONNECT = Set.of("exec", "attach", "portforward", "proxy");
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  static ApiRequest of(String method, URI uri) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    List<String> parts = Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toList();
    String upper = method.toUpperCase(Locale.ROOT);
    List<String> rest;
    if (parts.size() > 2 && parts.get(0).equals("api")) {
      rest = parts.subList(2, parts.size());
    } else if (parts.size() > 3 && parts.get(0).equals("apis")) {
      rest = parts.subList(3, parts.size());
    } else {
      return new ApiRequest(upper, path, "", "", "", "");
    }
    // /namespaces/{ns}/{resource}...: a resource in a namespace; /namespaces or /namespaces/{ns}[/status]:
    // the namespace object itself, which is cluster-scoped
    if (rest.get(0).equals("namespaces") && rest.size() > 2 && !Set.of("status", "finalize").contains(rest.get(2))) {
      String namespace = rest.get(1);
      List<String> in = rest.subList(2, rest.size());
      return new ApiRequest(upper, path, namespace, in.get(0), in.size() > 1 ? in.get(1) : "",
          in.size() > 2 ? in.get(2) : "");
    }
    return new ApiRequest(upper, path, "", rest.get(0), rest.size() > 1 ? rest.get(1) : "",
        rest.size() > 2 ? rest.get(2) : "");
  }

  /** Whether the request changes something, or reaches into a container. */
  boolean mutating() {
    return !READ_METHODS.contains(method) || CONNECT.contains(subresource);
  }

  boolean clusterScoped() {
    return namespace.isEmpty();
  }

  /** Whether it removes one named pod: a delete, or an eviction. */
  boolean disruptsOnePod() {
    return resource.equals("pods") && !name.isEmpty()
        && (method.equals("DELETE") && subresource.isEmpty() || method.equals("POST") && subresource.equals("eviction"));
  }

  /** Whether it deletes every pod a selector matches, which no per-pod count can bound beforehand. */
  boolean deletesPodCollection() {
    return resource.equals("pods") && name.isEmpty() && method.equals("DELETE");
  }

  /** E.g. {@code DELETE /api/v1/namespaces/kube-system/pods/coredns-0}. */
  String describe() {
    return method + " " + path;
  }
}
