package run.tokenlabs.chaos.lab.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Eviction subresource ({@code POST /api/v1/namespaces/{ns}/pods/{name}/eviction}, a {@code policy/v1}
 * Eviction), answered as the API server answers it: each PodDisruptionBudget of the namespace whose
 * selector matches the pod is checked ({@code minAvailable} or {@code maxUnavailable}, as a count or a
 * percentage, against the Ready pods it selects); one that would be broken answers 429 TooManyRequests
 * with a Status naming it, and nothing changes; else the pod is deleted gracefully (its controller then
 * replaces it; a bare pod is gone) and 201 is answered. Each budget's status ({@code currentHealthy},
 * {@code desiredHealthy}, {@code expectedPods}, {@code disruptionsAllowed}) is written as it is
 * evaluated, as the disruption controller keeps it.
 */
final class Evictions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Evictions() {
  }

  static boolean isEviction(String method, String path) {
    return "POST".equals(method) && path.matches("/api/v1/namespaces/[^/]+/pods/[^/]+/eviction");
  }

  /**
   * Answers one eviction.
   *
   * @param store the store's own handlers by method: GET a path, PUT (path, body), DELETE a path
   */
  static MockResponse respond(RecordedRequest request, String path, Store store) {
    String[] parts = path.split("/");
    String ns = parts[4];
    String name = parts[6];
    JsonNode pod = store.get("/api/v1/namespaces/" + ns + "/pods/" + name);
    if (pod == null) {
      return status(404, "NotFound", "pods \"" + name + "\" not found", null);
    }
    Map<String, String> labels = labels(pod.path("metadata").path("labels"));
    JsonNode budgets = store.get("/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets");
    JsonNode pods = store.get("/api/v1/namespaces/" + ns + "/pods");
    for (JsonNode pdb : budgets == null ? List.<JsonNode>of() : list(budgets.path("items"))) {
      Map<String, String> match = labels(pdb.path("spec").path("selector").path("matchLabels"));
      if (match.isEmpty() || !match.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
        continue;
      }
      List<JsonNode> selected = list(pods.path("items")).stream()
          .filter(p -> p.path("metadata").path("deletionTimestamp").isMissingNode())
          .filter(p -> match.entrySet().stream().allMatch(e -> e.getValue()
              .equals(p.path("metadata").path("labels").path(e.getKey()).asText(null)))).toList();
      int expected = selected.size();
      int healthy = (int) selected.stream().filter(Evictions::ready).count();
      int desired = desiredHealthy(pdb.path("spec"), expected);
      int allowed = Math.max(0, healthy - desired);
      String pdbName = pdb.path("metadata").path("name").asText();
      ObjectNode status = ((ObjectNode) pdb).putObject("status");
      status.put("currentHealthy", healthy).put("desiredHealthy", desired).put("expectedPods", expected)
          .put("disruptionsAllowed", allowed).put("observedGeneration", pdb.path("metadata").path("generation")
              .asLong(1));
      store.put("/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets/" + pdbName + "/status", pdb.toString());
      if (allowed <= 0 && ready(pod)) {
        return status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.",
            "The disruption budget " + pdbName + " needs " + desired + " healthy pods and has " + healthy
                + " currently");
      }
    }
    MockResponse deleted = store.delete("/api/v1/namespaces/" + ns + "/pods/" + name);
    if (deleted.code() >= 300) {
      return deleted;
    }
    return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"code\":201}");
  }

  /** The Ready pods a budget requires: minAvailable, or expected minus maxUnavailable; percentages round up. */
  static int desiredHealthy(JsonNode spec, int expected) {
    if (spec.has("minAvailable")) {
      return amount(spec.get("minAvailable"), expected, true);
    }
    if (spec.has("maxUnavailable")) {
      return Math.max(0, expected - amount(spec.get("maxUnavailable"), expected, false));
    }
    return 0;
  }

  private static int amount(JsonNode value, int expected, boolean roundUp) {
    if (value.isInt()) {
      return value.asInt();
    }
    String text = value.asText();
    if (text.endsWith("%")) {
      double share = Integer.parseInt(text.substring(0, text.length() - 1)) * expected / 100.0;
      return (int) (roundUp ? Math.ceil(share) : Math.floor(share));
    }
    return Integer.parseInt(text);
  }

  private static boolean ready(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  private static MockResponse status(int code, String reason, String message, String cause) {
    ObjectNode status = JSON.createObjectNode();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", message).put("reason", reason);
    ObjectNode details = status.putObject("details");
    if (cause != null) {
      details.putArray("causes").addObject().put("reason", "DisruptionBudget").put("message", cause);
    }
    status.put("code", code);
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(status.toString());
  }

  /** The store's handlers, without HTTP. */
  interface Store {
    /** The object or list at {@code path}, or null when there is none. */
    JsonNode get(String path);

    void put(String path, String body);

    MockResponse delete(String path);

    /** A store over a dispatcher's handlers. */
    static Store of(String httpVersion, Function<RecordedRequest, MockResponse> get,
        Function<RecordedRequest, MockResponse> put, Function<RecordedRequest, MockResponse> delete) {
      return new Store() {
        @Override
        public JsonNode get(String path) {
          MockResponse r = get.apply(request(httpVersion, HttpMethod.GET, path, ""));
          if (r.code() != 200 || r.getBody() == null || r.getBody().size() == 0) {
            return null;
          }
          try {
            return JSON.readTree(r.getBody().getBytes());
          } catch (IOException e) {
            return null;
          }
        }

        @Override
        public void put(String path, String body) {
          put.apply(request(httpVersion, HttpMethod.PUT, path, body));
        }

        @Override
        public MockResponse delete(String path) {
          return delete.apply(request(httpVersion, HttpMethod.DELETE, path, ""));
        }
      };
    }

    private static RecordedRequest request(String httpVersion, HttpMethod method, String path, String body) {
      return new RecordedRequest(httpVersion, method, path, new Headers.Builder().add("Content-Type",
          "application/json").build(), new Buffer(body.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
