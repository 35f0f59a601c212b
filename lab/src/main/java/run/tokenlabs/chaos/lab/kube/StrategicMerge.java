package run.tokenlabs.chaos.lab.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' strategic merge patch, as {@code kubectl apply} sends it, applied to an object: maps
 * merge, {@code null} deletes, lists of the built-in kinds that have a merge key ({@code containers}
 * by {@code name}, {@code ports} by {@code containerPort}, ...) merge element by element, other lists
 * are replaced; the directives {@code $patch}, {@code $setElementOrder/...}, {@code
 * $deleteFromPrimitiveList/...} and {@code $retainKeys} are honoured. The merge keys are those of the
 * core types' field tags; a field not listed here is replaced whole, as for a custom resource.
 *
 * <p>The fabric8 mock store knows JSON and merge patches only; the lab turns a strategic patch into the
 * whole new object and replaces it.
 */
final class StrategicMerge {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** List fields merged by a key, and the key. {@code ports} is decided per element (see below). */
  private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
      Map.entry("containers", "name"), Map.entry("initContainers", "name"),
      Map.entry("ephemeralContainers", "name"), Map.entry("env", "name"), Map.entry("volumes", "name"),
      Map.entry("volumeMounts", "mountPath"), Map.entry("volumeDevices", "devicePath"),
      Map.entry("imagePullSecrets", "name"), Map.entry("hostAliases", "ip"), Map.entry("conditions", "type"),
      Map.entry("ownerReferences", "uid"), Map.entry("topologySpreadConstraints", "topologyKey"),
      Map.entry("resourceClaims", "name"));
  /** Lists of strings merged as sets. */
  private static final Set<String> PRIMITIVE_MERGE = Set.of("finalizers");
  private static final String ORDER = "$setElementOrder/";
  private static final String DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";

  private StrategicMerge() {}

  /** {@code current} with {@code patch} applied; neither argument is changed. */
  static ObjectNode apply(JsonNode current, JsonNode patch) {
    JsonNode merged = mergeObject(current.deepCopy(), patch);
    return merged instanceof ObjectNode o ? o : JSON.objectNode();
  }

  /** The merge of two maps; null when the patch deletes the whole map. */
  private static JsonNode mergeObject(ObjectNode target, JsonNode patch) {
    String directive = patch.path("$patch").asText("");
    if ("delete".equals(directive)) {
      return null;
    }
    if ("replace".equals(directive)) {
      return withoutDirectives(patch);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      if (key.startsWith("$")) {
        if (key.startsWith(DELETE_PRIMITIVE) && target.path(key.substring(DELETE_PRIMITIVE.length())).isArray()) {
          removeValues((ArrayNode) target.get(key.substring(DELETE_PRIMITIVE.length())), value);
        }
        continue;
      }
      if (value.isNull()) {
        target.remove(key);
      } else if (value.isObject() && target.path(key).isObject()) {
        JsonNode merged = mergeObject((ObjectNode) target.get(key), value);
        if (merged == null) {
          target.remove(key);
        } else {
          target.set(key, merged);
        }
      } else if (value.isArray() && target.path(key).isArray()) {
        target.set(key, mergeList(key, (ArrayNode) target.get(key), (ArrayNode) value, patch.path(ORDER + key)));
      } else {
        target.set(key, withoutDirectives(value));
      }
    }
    if (patch.path("$retainKeys").isArray()) {
      Set<String> keep = new HashSet<>();
      patch.path("$retainKeys").forEach(k -> keep.add(k.asText()));
      List<String> drop = new ArrayList<>();
      target.fieldNames().forEachRemaining(k -> {
        if (!keep.contains(k)) {
          drop.add(k);
        }
      });
      drop.forEach(target::remove);
    }
    return target;
  }

  private static ArrayNode mergeList(String field, ArrayNode target, ArrayNode patch, JsonNode order) {
    if (PRIMITIVE_MERGE.contains(field)) {
      ArrayNode out = target.deepCopy();
      patch.forEach(v -> {
        if (!contains(out, v)) {
          out.add(v);
        }
      });
      return out;
    }
    String key = mergeKey(field, patch.size() > 0 ? patch.get(0) : target.path(0));
    if (key == null || !allObjects(target) || !allObjects(patch)) {
      return (ArrayNode) withoutDirectives(patch);
    }
    ArrayNode out = target.deepCopy();
    for (JsonNode element : patch) {
      int at = indexOf(out, key, element.path(key));
      if ("delete".equals(element.path("$patch").asText(""))) {
        if (at >= 0) {
          out.remove(at);
        }
      } else if (at >= 0) {
        JsonNode merged = mergeObject((ObjectNode) out.get(at), element);
        out.set(at, merged == null ? JSON.objectNode() : merged);
      } else {
        out.add(withoutDirectives(element));
      }
    }
    return order.isArray() ? ordered(out, key, order) : out;
  }

  /** The elements in the order {@code $setElementOrder} gives; elements it does not name keep their place after. */
  private static ArrayNode ordered(ArrayNode elements, String key, JsonNode order) {
    ArrayNode out = JSON.arrayNode();
    Set<Integer> placed = new HashSet<>();
    for (JsonNode o : order) {
      int at = indexOf(elements, key, o.path(key));
      if (at >= 0 && placed.add(at)) {
        out.add(elements.get(at));
      }
    }
    for (int i = 0; i < elements.size(); i++) {
      if (!placed.contains(i)) {
        out.add(elements.get(i));
      }
    }
    return out;
  }

  private static String mergeKey(String field, JsonNode sample) {
    if ("ports".equals(field)) {
      return sample.has("containerPort") ? "containerPort" : "port"; // a container's ports, else a Service's
    }
    return MERGE_KEYS.get(field);
  }

  private static int indexOf(ArrayNode list, String key, JsonNode value) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).path(key).equals(value)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean allObjects(ArrayNode list) {
    for (JsonNode n : list) {
      if (!n.isObject()) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(ArrayNode list, JsonNode value) {
    for (JsonNode n : list) {
      if (n.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static void removeValues(ArrayNode list, JsonNode values) {
    for (int i = list.size() - 1; i >= 0; i--) {
      if (contains(values.isArray() ? (ArrayNode) values : JSON.arrayNode(), list.get(i))) {
        list.remove(i);
      }
    }
  }

  /** A copy of {@code node} without {@code $} directive keys, at any depth. */
  private static JsonNode withoutDirectives(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JSON.objectNode();
      node.fields().forEachRemaining(f -> {
        if (!f.getKey().startsWith("$")) {
          out.set(f.getKey(), withoutDirectives(f.getValue()));
        }
      });
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.arrayNode();
      node.forEach(n -> out.add(withoutDirectives(n)));
      return out;
    }
    return node;
  }
}
