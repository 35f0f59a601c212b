package run.tokenlabs.chaos.engine.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request that creates or replaces a Chaos Mesh resource ({@code /apis/chaos-mesh.org/...}), read
 * from its body as the blast-radius guard must: the path names only the namespace the resource lives
 * in, while its {@code selector} (and a {@code NetworkChaos}'s {@code target.selector}) names the
 * namespaces whose pods Chaos Mesh disturbs, and its {@code mode} how many.
 *
 * @param name the resource's {@code metadata.name}
 * @param selectorNamespaces every namespace any selector of the resource names, in order
 * @param problem why the resource is not bounded (a selector without namespaces, a mode other than
 *     {@code one} or {@code fixed}), or empty
 * @param pods how many pods its main selector hits ({@code one}: 1, {@code fixed}: its value)
 */
record ChaosMeshRequest(String name, List<String> selectorNamespaces, Optional<String> problem, int pods) {
  static final String PATH = "/apis/chaos-mesh.org/";
  private static final ObjectMapper JSON = new ObjectMapper();

  static boolean applies(ApiRequest call) {
    return call.path().startsWith(PATH);
  }

  static ChaosMeshRequest read(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      return unbounded("its body is not JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.path("spec").isObject()) {
      return unbounded("its body has no spec to read the selector from");
    }
    JsonNode spec = root.path("spec");
    List<String> namespaces = new ArrayList<>();
    List<JsonNode> scopes = new ArrayList<>(List.of(spec));
    if (spec.has("target") && spec.path("target").isObject()) {
      scopes.add(spec.path("target"));
    }
    int pods = 0;
    for (JsonNode scope : scopes) {
      JsonNode listed = scope.path("selector").path("namespaces");
      if (!listed.isArray() || listed.isEmpty()) {
        return unbounded("a selector names no namespaces, and Chaos Mesh may then select pods beyond the allowed ones");
      }
      listed.forEach(n -> namespaces.add(n.asText()));
      int count = count(scope);
      if (count < 1) {
        return unbounded("its mode is '" + scope.path("mode").asText() + "' with value '" + scope.path("value").asText()
            + "', and only 'one' or 'fixed' with a whole number of pods is bounded");
      }
      pods = pods == 0 ? count : pods;
    }
    return new ChaosMeshRequest(root.path("metadata").path("name").asText(), List.copyOf(namespaces), Optional.empty(),
        pods);
  }

  private static int count(JsonNode scope) {
    String mode = scope.path("mode").asText();
    if (mode.equals("one")) {
      return 1;
    }
    if (mode.equals("fixed")) {
      try {
        return Integer.parseInt(scope.path("value").asText());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  private static ChaosMeshRequest unbounded(String problem) {
    return new ChaosMeshRequest("", List.of(), Optional.of(problem), 0);
  }
}
