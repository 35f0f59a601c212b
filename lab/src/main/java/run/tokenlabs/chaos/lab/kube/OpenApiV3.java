package run.tokenlabs.chaos.lab.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI v3 documents of the lab's API server: {@code /openapi/v3} (one entry per group-version)
 * and {@code /openapi/v3/api/v1}, {@code /openapi/v3/apis/apps/v1} with every path, its operations
 * and their {@code x-kubernetes-group-version-kind}.
 *
 * <p>kubectl reads them before {@code create}/{@code apply} with validation on: when the PATCH
 * operation of the object's kind lists the {@code fieldValidation} query parameter, kubectl leaves
 * validation to the server ({@code ?fieldValidation=Strict}); otherwise it falls back to the
 * protobuf OpenAPI v2 document, which the lab does not serve. Schemas are not described: nothing the
 * lab supports needs them.
 */
final class OpenApiV3 {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> documents = new LinkedHashMap<>();
  private final String root;

  OpenApiV3(String serverVersion) {
    ObjectNode paths = JSON.createObjectNode();
    for (String prefix : ApiResources.PREFIXES) {
      String document = document(prefix, serverVersion);
      String key = prefix.substring(1);
      documents.put("/openapi/v3/" + key, document);
      paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key + "?hash=" + sha512(document));
    }
    ObjectNode rootNode = JSON.createObjectNode();
    rootNode.set("paths", paths);
    root = rootNode.toString();
  }

  /** The document served at {@code path} (query stripped), if any. */
  Optional<String> at(String path) {
    if ("/openapi/v3".equals(path)) {
      return Optional.of(root);
    }
    return Optional.ofNullable(documents.get(path));
  }

  private static String document(String prefix, String serverVersion) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", serverVersion);
    ObjectNode paths = doc.putObject("paths");
    for (ApiResources.Resource r : ApiResources.under(prefix)) {
      String collection = prefix + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural();
      ObjectNode list = paths.putObject(collection);
      list.set("get", operation(r, "list", false));
      list.set("post", operation(r, "post", true));
      ObjectNode item = paths.putObject(collection + "/{name}");
      item.set("get", operation(r, "get", false));
      item.set("put", operation(r, "put", true));
      item.set("patch", operation(r, "patch", true));
      item.set("delete", operation(r, "delete", false));
    }
    doc.putObject("components").putObject("schemas");
    return doc.toString();
  }

  private static ObjectNode operation(ApiResources.Resource r, String action, boolean writes) {
    ObjectNode op = JSON.createObjectNode();
    op.put("operationId", action + r.kind());
    op.put("x-kubernetes-action", action);
    op.putObject("x-kubernetes-group-version-kind").put("group", r.group()).put("version", r.version())
        .put("kind", r.kind());
    ArrayNode parameters = op.putArray("parameters");
    if (writes) {
      for (String name : new String[] {"dryRun", "fieldManager", "fieldValidation"}) {
        parameters.addObject().put("name", name).put("in", "query").putObject("schema").put("type", "string")
            .put("uniqueItems", true);
      }
    }
    op.putObject("responses").putObject("200").put("description", "OK");
    return op;
  }

  private static String sha512(String text) {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-512", e);
    }
  }
}
