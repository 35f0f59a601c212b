package run.tokenlabs.chaos.lab.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * fabric8's CRUD dispatcher with what real clients expect of an API server around it: discovery
 * ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/apps/v1}), {@code /version}, the
 * OpenAPI v3 documents kubectl's validation reads, {@code Content-Type: application/json} on every
 * answer (without it kubectl decodes as protobuf and fails), typed lists ({@code PodList}, not
 * {@code List}), field selectors, NotFound statuses with a message, Tables for pods and events,
 * strict field validation of what is created or replaced, the strategic merge and apply patches
 * of {@code kubectl apply} (client- and server-side), and the Eviction subresource ({@link Evictions}),
 * which the store does not know.
 */
final class ApiDispatcher extends KubernetesCrudDispatcher {
  /** What {@code /version} reports: a real release, marked as the lab in its build metadata. */
  static final String SERVER_VERSION = "v1.32.4+tokenlabs.lab";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final String VERSION = "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"" + SERVER_VERSION
      + "\",\"gitCommit\":\"0000000000000000000000000000000000000000\",\"gitTreeState\":\"clean\","
      + "\"buildDate\":\"2025-04-22T00:00:00Z\",\"goVersion\":\"go1.23.6\",\"compiler\":\"gc\","
      + "\"platform\":\"linux/amd64\"}";
  private static final String API = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
      + "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";
  private static final String APIS = groupList();

  private final Clock clock;
  private final OpenApiV3 openApi = new OpenApiV3(SERVER_VERSION);
  private final Map<String, String> discovery = new LinkedHashMap<>();
  private final PodExec exec;
  private final PodLogs logs;
  private final DeletePropagation deletions;

  ApiDispatcher(Clock clock) {
    this(clock, new PodExec());
  }

  ApiDispatcher(Clock clock, PodExec exec) {
    this(clock, exec, new PodLogs(), new DeletePropagation());
  }

  ApiDispatcher(Clock clock, PodExec exec, PodLogs logs, DeletePropagation deletions) {
    super(List.of());
    this.clock = clock;
    this.exec = exec;
    this.logs = logs;
    this.deletions = deletions;
    for (String prefix : ApiResources.PREFIXES) {
      discovery.put(prefix, resourceList(prefix));
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    int q = path.indexOf('?');
    String bare = q < 0 ? path : path.substring(0, q);
    if (bare.endsWith("/") && bare.length() > 1) {
      bare = bare.substring(0, bare.length() - 1);
    }
    Map<String, String> query = query(q < 0 ? "" : path.substring(q + 1));
    if (PodExec.isExec(bare)) {
      return exec.respond(request, bare, q < 0 ? "" : path.substring(q + 1)); // the store knows no exec
    }
    if ("GET".equals(request.getMethod()) && PodLogs.isLog(bare)) {
      return logs.respond(bare, query, this::handleGet); // the store would look for a pod named "log"
    }
    if (Evictions.isEviction(request.getMethod(), bare)) {
      // nor evictions: it would store the Eviction as a pod of that name
      return Evictions.respond(request, bare, Evictions.Store.of(request.getHttpVersion(), r -> handleGet(r.getPath()),
          this::handleUpdate, r -> handleDelete(r.getPath())));
    }
    if ("GET".equals(request.getMethod())) {
      Optional<String> document = document(bare);
      if (document.isPresent()) {
        return json(200, document.get());
      }
    }
    Optional<ApiResources.Target> target = ApiResources.parse(bare);
    if ("DELETE".equals(request.getMethod()) && target.isPresent() && "Job".equals(target.get().resource().kind())
        && !target.get().collection()) {
      deletions.note(target.get().namespace(), target.get().name(), request, query); // the store ignores it
    }
    if ("GET".equals(request.getMethod()) && target.isEmpty() && !bare.startsWith("/api/")
        && !bare.startsWith("/apis/")) {
      return nonResource(bare);
    }
    if (target.isPresent() && "Strict".equals(query.get("fieldValidation"))
        && ("POST".equals(request.getMethod()) || "PUT".equals(request.getMethod()))) {
      // getBytes, not readUtf8: reading would consume the body the store still has to parse
      String body = new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
      Optional<String> unknown = StrictFields.unknownFields(body);
      if (unknown.isPresent()) {
        return json(400, status(400, "BadRequest", "strict decoding error: " + unknown.get(), target.get()));
      }
    }
    if (target.isPresent() && "PATCH".equals(request.getMethod()) && !target.get().collection()
        && target.get().subresource().isEmpty() && isApplyPatch(request.getHeader("Content-Type"))) {
      return applyPatch(request, bare, query, target.get());
    }
    MockResponse response = target.isPresent() && "GET".equals(request.getMethod()) && !query.containsKey("watch")
        && query.containsKey("fieldSelector")
        ? handleGet(withoutFieldSelector(path)) // the store would match the selector against the wrong attributes
        : super.dispatch(request);
    if (response.getWebSocketListener() != null) {
      return response; // a websocket watch: the upgrade must go out untouched
    }
    if (target.isPresent() && response.code() == 404 && !target.get().collection() && isEmpty(response)) {
      return json(404, status(404, "NotFound", target.get().resource().plural() + " \"" + target.get().name()
          + "\" not found", target.get()));
    }
    if (target.isPresent() && "GET".equals(request.getMethod()) && response.code() == 200
        && !query.containsKey("watch")) {
      try {
        return json(200, shape(target.get(), response.getBody().getBytes(), query, request.getHeader("Accept")));
      } catch (IOException | RuntimeException e) {
        return withJsonType(response); // not the JSON we expected: pass it on as the mock answered
      }
    }
    return withJsonType(response);
  }

  /** Discovery, version and OpenAPI documents at {@code path}. */
  private Optional<String> document(String path) {
    switch (path) {
      case "/version":
        return Optional.of(VERSION);
      case "/api":
        return Optional.of(API);
      case "/apis":
        return Optional.of(APIS);
      default:
        if (discovery.containsKey(path)) {
          return Optional.of(discovery.get(path));
        }
        return openApi.at(path);
    }
  }

  /** A strategic merge patch ({@code kubectl apply}) or an apply patch ({@code kubectl apply --server-side}). */
  private static boolean isApplyPatch(String contentType) {
    return contentType != null && (contentType.startsWith("application/strategic-merge-patch+json")
        || contentType.startsWith("application/apply-patch+yaml"));
  }

  /**
   * Applies a patch the store does not know: the new object is the current one with the patch merged
   * in strategically, and it replaces the current one. A server-side apply of an object that does not
   * exist creates it, as the API server does.
   */
  private MockResponse applyPatch(RecordedRequest request, String path, Map<String, String> query,
      ApiResources.Target target) {
    JsonNode patch;
    try {
      patch = YAML.readTree(request.getBody().getBytes());
    } catch (IOException e) {
      return json(400, status(400, "BadRequest", "the patch is not valid JSON or YAML: " + e.getMessage(), target));
    }
    boolean serverSide = request.getHeader("Content-Type").startsWith("application/apply-patch+yaml");
    MockResponse current = handleGet(path);
    String body;
    String method;
    String at;
    if (current.code() == 404 || isEmpty(current)) {
      if (!serverSide) {
        return json(404, status(404, "NotFound", target.resource().plural() + " \"" + target.name()
            + "\" not found", target));
      }
      body = patch.toString();
      method = "POST";
      at = path.substring(0, path.lastIndexOf('/'));
    } else {
      try {
        body = StrategicMerge.apply(JSON.readTree(current.getBody().getBytes()), patch).toString();
      } catch (IOException e) {
        return json(500, status(500, "InternalError", "the stored object is not JSON: " + e.getMessage(), target));
      }
      method = "PUT";
      at = path;
    }
    if ("Strict".equals(query.get("fieldValidation"))) {
      Optional<String> unknown = StrictFields.unknownFields(body);
      if (unknown.isPresent()) {
        return json(400, status(400, "BadRequest", "strict decoding error: " + unknown.get(), target));
      }
    }
    RecordedRequest replacement = new RecordedRequest(request.getHttpVersion(), HttpMethod.valueOf(method), at,
        new Headers.Builder().add("Content-Type", "application/json").build(),
        new Buffer(body.getBytes(StandardCharsets.UTF_8)));
    return withJsonType("POST".equals(method) ? handleCreate(replacement) : handleUpdate(replacement));
  }

  /**
   * A path outside the API groups that no document above answered: health checks say ok, anything
   * else (the protobuf-only {@code /openapi/v2}, say) is NotFound, where the store would list every
   * object it holds.
   */
  private static MockResponse nonResource(String path) {
    if (List.of("/healthz", "/livez", "/readyz").contains(path)) {
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain; charset=utf-8")
          .setBody("ok");
    }
    return json(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\"the server could not find the requested resource\",\"reason\":\"NotFound\","
        + "\"details\":{},\"code\":404}");
  }

  /** A GET answer shaped as a real server would: typed list, field selector, sort, Table. */
  private String shape(ApiResources.Target target, byte[] body, Map<String, String> query, String accept)
      throws IOException {
    JsonNode node = JSON.readTree(body);
    String kind = target.resource().kind();
    boolean table = Tables.wanted(accept);
    boolean includeObject = "Object".equals(query.get("includeObject"));
    if (!target.collection()) {
      if (table && target.subresource().isEmpty()) {
        Optional<ObjectNode> t = Tables.ofObject(kind, node, includeObject, clock.instant());
        if (t.isPresent()) {
          return t.get().toString();
        }
      }
      return node.toString();
    }
    ObjectNode list = (ObjectNode) node;
    list.put("kind", kind + "List").put("apiVersion", target.resource().groupVersion());
    FieldSelector selector = FieldSelector.parse(query.get("fieldSelector"));
    List<JsonNode> items = new ArrayList<>();
    list.path("items").forEach(item -> {
      if (selector.matches(item)) {
        items.add(item);
      }
    });
    if ("Event".equals(kind)) {
      // In the order they were last written, so kubectl get events tells the story in order (timestamps
      // have a resolution of one second; the store's resource version orders writes within one).
      items.sort(Comparator.comparingLong(e -> e.path("metadata").path("resourceVersion").asLong()));
    }
    ArrayNode sorted = list.putArray("items");
    items.forEach(sorted::add);
    if (table) {
      Optional<ObjectNode> t = Tables.ofList(kind, list, includeObject, clock.instant());
      if (t.isPresent()) {
        return t.get().toString();
      }
    }
    return list.toString();
  }

  private static String status(int code, String reason, String message, ApiResources.Target target) {
    ObjectNode status = JSON.createObjectNode();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", message).put("reason", reason);
    ObjectNode details = status.putObject("details");
    if (!target.name().isEmpty()) {
      details.put("name", target.name());
    }
    details.put("group", target.resource().group()).put("kind", target.resource().plural());
    status.put("code", code);
    return status.toString();
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      out.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** {@code path} without its {@code fieldSelector} parameter, which this class applies itself. */
  static String withoutFieldSelector(String path) {
    int q = path.indexOf('?');
    if (q < 0) {
      return path;
    }
    StringBuilder kept = new StringBuilder();
    for (String pair : path.substring(q + 1).split("&")) {
      if (!pair.isEmpty() && !pair.startsWith("fieldSelector=")) {
        kept.append(kept.length() == 0 ? "" : "&").append(pair);
      }
    }
    return path.substring(0, q) + (kept.length() == 0 ? "" : "?" + kept);
  }

  private static boolean isEmpty(MockResponse response) {
    return response.getBody() == null || response.getBody().size() == 0;
  }

  private static MockResponse withJsonType(MockResponse response) {
    if (response.header("Content-Type") == null && !isEmpty(response)) {
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
  }

  private static String groupList() {
    StringBuilder b = new StringBuilder("{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[");
    List<String> groups = ApiResources.groups();
    for (int i = 0; i < groups.size(); i++) {
      String group = groups.get(i);
      // each group is served in one version: v1, or v1alpha1 for Chaos Mesh's
      String version = ApiResources.ALL.stream().filter(r -> r.group().equals(group)).findFirst().orElseThrow()
          .version();
      String gv = group + "/" + version;
      b.append(i == 0 ? "" : ",").append("{\"name\":\"").append(group).append("\",\"versions\":[")
          .append("{\"groupVersion\":\"").append(gv).append("\",\"version\":\"").append(version)
          .append("\"}],\"preferredVersion\":")
          .append("{\"groupVersion\":\"").append(gv).append("\",\"version\":\"").append(version).append("\"}}");
    }
    return b.append("]}").toString();
  }

  private static String resourceList(String prefix) {
    List<ApiResources.Resource> resources = ApiResources.under(prefix);
    StringBuilder b = new StringBuilder("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"")
        .append(resources.get(0).groupVersion()).append("\",\"resources\":[");
    for (int i = 0; i < resources.size(); i++) {
      ApiResources.Resource r = resources.get(i);
      b.append(i == 0 ? "" : ",").append("{\"name\":\"").append(r.plural()).append("\",\"singularName\":\"")
          .append(r.singular()).append("\",\"namespaced\":").append(r.namespaced()).append(",\"kind\":\"")
          .append(r.kind()).append("\",\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\","
              + "\"patch\",\"update\",\"watch\"],\"shortNames\":[")
          .append(r.shortName().isEmpty() ? "" : "\"" + r.shortName() + "\"").append("]}");
      if ("Pod".equals(r.kind()) || "Deployment".equals(r.kind())) {
        b.append(",{\"name\":\"").append(r.plural()).append("/status\",\"singularName\":\"\",\"namespaced\":true,")
            .append("\"kind\":\"").append(r.kind()).append("\",\"verbs\":[\"get\",\"patch\",\"update\"]}");
      }
    }
    return b.append("]}").toString();
  }
}
