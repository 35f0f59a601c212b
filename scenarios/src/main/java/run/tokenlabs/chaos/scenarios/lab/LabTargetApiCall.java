package run.tokenlabs.chaos.scenarios.lab;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One Kubernetes API request as RBAC authorizes it: a verb on a resource (and subresource) of an API
 * group, in a namespace or cluster-wide. Parsed from the request line the way the API server does
 * it, so that it can be checked against a Role's rules.
 *
 * @param verb {@code get}, {@code list}, {@code watch}, {@code create}, {@code update}, {@code patch},
 *     {@code delete} or {@code deletecollection}
 * @param group API group, {@code ""} for the core group
 * @param resource e.g. {@code pods}
 * @param subresource e.g. {@code status}, or {@code ""}
 * @param namespace the namespace, or {@code ""} for a cluster-scoped request
 */
public record LabTargetApiCall(String verb, String group, String resource, String subresource, String namespace)
    implements Comparable<LabTargetApiCall> {
  /** Subresources of a namespace object; any other segment after a namespace's name is a resource in it. */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  public LabTargetApiCall {
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(subresource, "subresource");
    Objects.requireNonNull(namespace, "namespace");
  }

  /**
   * The call an HTTP request makes, or empty for a request that is not for a resource (discovery
   * such as {@code /api}, {@code /apis/apps/v1}, {@code /version}: every authenticated user may read those).
   */
  public static Optional<LabTargetApiCall> of(String method, URI uri) {
    List<String> parts = Arrays.stream(uri.getRawPath().split("/")).filter(p -> !p.isEmpty()).toList();
    String group;
    List<String> rest;
    if (parts.size() > 2 && parts.get(0).equals("api")) {
      group = "";
      rest = parts.subList(2, parts.size());
    } else if (parts.size() > 3 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      rest = parts.subList(3, parts.size());
    } else {
      return Optional.empty();
    }
    String namespace = "";
    if (rest.get(0).equals("namespaces") && rest.size() > 1) {
      namespace = rest.get(1);
      if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
        rest = rest.subList(2, rest.size());
      }
    }
    boolean named = rest.size() > 1;
    String verb = verb(method, named, uri.getRawQuery());
    boolean namespaceObject = rest.get(0).equals("namespaces");
    return Optional.of(new LabTargetApiCall(verb, group, rest.get(0), rest.size() > 2 ? rest.get(2) : "",
        namespaceObject ? "" : namespace));
  }

  /**
   * Every authorization the request needs: its call, and for a websocket GET on {@code exec},
   * {@code attach} or {@code portforward} also {@code create} of that subresource, which API servers
   * check for the upgrade since Kubernetes 1.35 (older ones check {@code get} only).
   */
  public static List<LabTargetApiCall> all(String method, URI uri) {
    Optional<LabTargetApiCall> call = of(method, uri);
    if (call.isEmpty()) {
      return List.of();
    }
    LabTargetApiCall c = call.get();
    if (c.verb().equals("get") && List.of("exec", "attach", "portforward").contains(c.subresource())) {
      return List.of(c, new LabTargetApiCall("create", c.group(), c.resource(), c.subresource(), c.namespace()));
    }
    return List.of(c);
  }

  private static String verb(String method, boolean named, String query) {
    boolean watch = query != null && Arrays.stream(query.split("&")).anyMatch(q -> q.equals("watch=true") || q.equals("watch=1"));
    return switch (method) {
      case "GET", "HEAD" -> watch ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** The resource as a rule names it: {@code pods}, or {@code pods/status} for a subresource. */
  public String ruleResource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  public boolean clusterScoped() {
    return namespace.isEmpty();
  }

  /** One line of the call log: the fields separated by tabs. */
  public String toLine() {
    return String.join("\t", verb, group, resource, subresource, namespace);
  }

  /** Reads a line written by {@link #toLine()}. */
  public static LabTargetApiCall fromLine(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 5) {
      throw new IllegalArgumentException("not a Kubernetes API call line (verb, group, resource, subresource, "
          + "namespace separated by tabs): '" + line + "'");
    }
    return new LabTargetApiCall(f[0], f[1], f[2], f[3], f[4]);
  }

  @Override
  public int compareTo(LabTargetApiCall o) {
    return toLine().compareTo(o.toLine());
  }

  /** E.g. {@code delete pods in token-labs}, {@code get namespaces (cluster-scoped)}, {@code list apps/deployments in x}. */
  @Override
  public String toString() {
    return verb + " " + (group.isEmpty() ? "" : group + "/") + ruleResource()
        + (clusterScoped() ? " (cluster-scoped)" : " in " + namespace);
  }
}
