package run.tokenlabs.chaos.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds a literal secret in a rollback's state before it is written to disk: an environment
 * variable ({@code {"name": ..., "value": ...}}) whose name looks secret ({@code HF_TOKEN},
 * {@code OPENAI_API_KEY}, {@code DB_PASSWORD}) with a literal value, or a field named like a secret
 * holding text. Only where it is, never the value, is reported.
 *
 * <p>The engine refuses such a rollback rather than redacting it: a pod recreated from a redacted
 * manifest would run with a wrong value, so the honest place to stop is before the fault acts.
 */
final class SecretScan {
  private static final Pattern SECRET_ENV = Pattern.compile(
      "(?i).*(token|passw(or)?d|passphrase|secret|credential|api[-_]?key|private[-_]?key|access[-_]?key).*");
  /** A field's name that ends in a secret word; {@code secretName} or {@code tokenPath} name where one is kept. */
  private static final Pattern SECRET_FIELD = Pattern.compile(
      "(?i).*(token|password|passwd|passphrase|secret|credentials?|apikey|api[-_]key)");

  private SecretScan() {
  }

  /** Where the first literal secret in {@code node} is, e.g. {@code manifest.spec.containers[0].env[1] (HF_TOKEN)}. */
  static Optional<String> find(JsonNode node, String path) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        Optional<String> found = find(node.get(i), path + "[" + i + "]");
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }
    if (!node.isObject()) {
      return Optional.empty();
    }
    JsonNode name = node.get("name");
    JsonNode value = node.get("value");
    if (name != null && name.isTextual() && value != null && value.isTextual() && !value.asText().isEmpty()
        && SECRET_ENV.matcher(name.asText()).matches()) {
      return Optional.of(path + " (" + name.asText() + ")");
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      if (field.getValue().isTextual() && !field.getValue().asText().isEmpty()
          && SECRET_FIELD.matcher(field.getKey()).matches()) {
        return Optional.of(at);
      }
      Optional<String> found = find(field.getValue(), at);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
