package run.tokenlabs.chaos.lab.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The propagation policy each DELETE of a Job asked for ({@code Orphan}, {@code Background},
 * {@code Foreground}), noted by the API server before the store deletes it, since the store itself
 * ignores the delete options and its watch event carries only the object. The lab's Job controller
 * reads it to decide whether the Job's pods go with it, as the garbage collector would.
 */
final class DeletePropagation {
  /** What the API server applies to a batch/v1 Job deleted without options. */
  static final String DEFAULT = "Orphan";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> policies = new ConcurrentHashMap<>();

  /** Notes the policy of a DELETE of {@code namespace/name} from its options body or query. */
  void note(String namespace, String name, RecordedRequest request, Map<String, String> query) {
    String policy = query.get("propagationPolicy");
    if (policy == null && "false".equals(query.get("orphanDependents"))) {
      policy = "Background";
    }
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes(); // not consumed
    if (policy == null && body.length > 0) {
      try {
        JsonNode options = JSON.readTree(new String(body, StandardCharsets.UTF_8));
        if (options.hasNonNull("propagationPolicy")) {
          policy = options.get("propagationPolicy").asText();
        } else if (options.has("orphanDependents")) {
          policy = options.get("orphanDependents").asBoolean() ? "Orphan" : "Background";
        }
      } catch (IOException notJson) {
        // no options the lab can read: the default applies
      }
    }
    policies.put(namespace + "/" + name, policy == null ? DEFAULT : policy);
  }

  /** The policy the last DELETE of {@code namespace/name} asked for, forgotten once read; the default if none. */
  String take(String namespace, String name) {
    String policy = policies.remove(namespace + "/" + name);
    return policy == null ? DEFAULT : policy;
  }
}
