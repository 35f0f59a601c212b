package run.tokenlabs.chaos.lab.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns a PodList into the server-side {@code Table} kubectl asks for ({@code Accept: ...;as=Table}),
 * so {@code kubectl get pods} shows NAME, READY, STATUS, RESTARTS and AGE as against a real API server.
 */
final class PodTable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PodTable() {}

  static String fromPodList(String podListJson) throws IOException {
    JsonNode list = JSON.readTree(podListJson);
    ObjectNode table = JSON.createObjectNode();
    table.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", list.path("metadata").path("resourceVersion").asText(""));
    ArrayNode columns = table.putArray("columnDefinitions");
    column(columns, "Name", "string", "name");
    column(columns, "Ready", "string", "");
    column(columns, "Status", "string", "");
    column(columns, "Restarts", "string", "");
    column(columns, "Age", "string", "");
    ArrayNode rows = table.putArray("rows");
    for (JsonNode pod : list.path("items")) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      JsonNode containers = pod.path("spec").path("containers");
      long ready = 0;
      long restarts = 0;
      for (JsonNode status : pod.path("status").path("containerStatuses")) {
        ready += status.path("ready").asBoolean() ? 1 : 0;
        restarts += status.path("restartCount").asLong();
      }
      cells.add(pod.path("metadata").path("name").asText());
      cells.add(ready + "/" + containers.size());
      cells.add(pod.path("status").path("phase").asText("Pending"));
      cells.add(String.valueOf(restarts));
      cells.add(age(pod.path("metadata").path("creationTimestamp").asText("")));
      ObjectNode object = row.putObject("object");
      object.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
      object.set("metadata", pod.path("metadata"));
    }
    return JSON.writeValueAsString(table);
  }

  private static void column(ArrayNode columns, String name, String type, String format) {
    columns.addObject().put("name", name).put("type", type).put("format", format).put("description", "")
        .put("priority", 0);
  }

  /** kubectl's short age form: 45s, 12m, 3h, 2d. */
  static String age(String created) {
    if (created.isEmpty()) {
      return "<unknown>";
    }
    Duration d = Duration.between(Instant.parse(created), Instant.now());
    if (d.toSeconds() < 120) {
      return Math.max(0, d.toSeconds()) + "s";
    }
    if (d.toMinutes() < 120) {
      return d.toMinutes() + "m";
    }
    return d.toHours() < 48 ? d.toHours() + "h" : d.toDays() + "d";
  }
}
