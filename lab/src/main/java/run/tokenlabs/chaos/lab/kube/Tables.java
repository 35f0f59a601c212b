package run.tokenlabs.chaos.lab.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The server-side {@code Table}s kubectl asks for ({@code Accept: application/json;as=Table;...}) for
 * pods and events, with the columns a real API server prints: NAME READY STATUS RESTARTS AGE and,
 * for {@code -o wide}, IP NODE NOMINATED NODE READINESS GATES; LAST SEEN TYPE REASON OBJECT MESSAGE for
 * events. Other kinds get no table, and kubectl prints their names and ages itself.
 */
final class Tables {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** A column: name, type, and priority (0 always shown, 1 only with {@code -o wide}). */
  private record Column(String name, String type, String format, int priority) {}

  private static final List<Column> POD_COLUMNS = List.of(
      new Column("Name", "string", "name", 0), new Column("Ready", "string", "", 0),
      new Column("Status", "string", "", 0), new Column("Restarts", "string", "", 0),
      new Column("Age", "string", "", 0), new Column("IP", "string", "", 1), new Column("Node", "string", "", 1),
      new Column("Nominated Node", "string", "", 1), new Column("Readiness Gates", "string", "", 1));

  private static final List<Column> EVENT_COLUMNS = List.of(
      new Column("Last Seen", "string", "", 0), new Column("Type", "string", "", 0),
      new Column("Reason", "string", "", 0), new Column("Object", "string", "", 0),
      new Column("Subobject", "string", "", 1), new Column("Source", "string", "", 1),
      new Column("Message", "string", "", 0), new Column("First Seen", "string", "", 1),
      new Column("Count", "string", "", 1), new Column("Name", "string", "name", 1));

  private Tables() {}

  /** Whether an Accept header asks for a Table. */
  static boolean wanted(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  /** The table of a list of {@code kind} objects, if the lab prints that kind. */
  static Optional<ObjectNode> ofList(String kind, JsonNode list, boolean includeObject, Instant now) {
    return table(kind, list.path("items"), list.path("metadata").path("resourceVersion").asText(""),
        includeObject, now);
  }

  /** The one-row table of one {@code kind} object, if the lab prints that kind. */
  static Optional<ObjectNode> ofObject(String kind, JsonNode object, boolean includeObject, Instant now) {
    ArrayNode one = JSON.arrayNode().add(object);
    return table(kind, one, object.path("metadata").path("resourceVersion").asText(""), includeObject, now);
  }

  private static Optional<ObjectNode> table(String kind, JsonNode items, String resourceVersion,
      boolean includeObject, Instant now) {
    List<Column> columns;
    if ("Pod".equals(kind)) {
      columns = POD_COLUMNS;
    } else if ("Event".equals(kind)) {
      columns = EVENT_COLUMNS;
    } else {
      return Optional.empty();
    }
    ObjectNode table = JSON.objectNode();
    table.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", resourceVersion);
    ArrayNode definitions = table.putArray("columnDefinitions");
    for (Column c : columns) {
      definitions.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
          .put("description", "").put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      row.set("cells", "Pod".equals(kind) ? podCells(item, now) : eventCells(item, now));
      if (includeObject) {
        row.set("object", item);
      } else {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", item.path("metadata"));
      }
    }
    return Optional.of(table);
  }

  private static ArrayNode podCells(JsonNode pod, Instant now) {
    JsonNode status = pod.path("status");
    long ready = 0;
    long restarts = 0;
    String reason = status.path("reason").asText(status.path("phase").asText("Pending"));
    for (JsonNode c : status.path("containerStatuses")) {
      ready += c.path("ready").asBoolean() ? 1 : 0;
      restarts += c.path("restartCount").asLong();
      String waiting = c.path("state").path("waiting").path("reason").asText("");
      String terminated = c.path("state").path("terminated").path("reason").asText("");
      if (!waiting.isEmpty()) {
        reason = waiting;
      } else if (!terminated.isEmpty()) {
        reason = terminated;
      }
    }
    if (!pod.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
      reason = "Terminating";
    }
    ArrayNode cells = JSON.arrayNode();
    cells.add(pod.path("metadata").path("name").asText());
    cells.add(ready + "/" + pod.path("spec").path("containers").size());
    cells.add(reason);
    cells.add(String.valueOf(restarts));
    cells.add(age(pod.path("metadata").path("creationTimestamp").asText(""), now));
    cells.add(orNone(status.path("podIP").asText("")));
    cells.add(orNone(pod.path("spec").path("nodeName").asText("")));
    cells.add(orNone(status.path("nominatedNodeName").asText("")));
    cells.add("<none>");
    return cells;
  }

  private static ArrayNode eventCells(JsonNode event, Instant now) {
    JsonNode involved = event.path("involvedObject");
    String source = event.path("source").path("component").asText(event.path("reportingComponent").asText(""));
    String host = event.path("source").path("host").asText("");
    ArrayNode cells = JSON.arrayNode();
    cells.add(age(lastSeen(event), now));
    cells.add(event.path("type").asText(""));
    cells.add(event.path("reason").asText(""));
    cells.add(involved.path("kind").asText("").toLowerCase(java.util.Locale.ROOT) + "/"
        + involved.path("name").asText(""));
    cells.add(involved.path("fieldPath").asText(""));
    cells.add(host.isEmpty() ? source : source + ", " + host);
    cells.add(event.path("message").asText("").strip());
    cells.add(age(event.path("firstTimestamp").asText(lastSeen(event)), now));
    cells.add(String.valueOf(event.path("count").asLong(1)));
    cells.add(event.path("metadata").path("name").asText(""));
    return cells;
  }

  /** When an event was last seen: lastTimestamp, else eventTime, else its creation. */
  static String lastSeen(JsonNode event) {
    for (String field : new String[] {"lastTimestamp", "eventTime"}) {
      String v = event.path(field).asText("");
      if (!v.isEmpty() && !"null".equals(v)) {
        return v;
      }
    }
    return event.path("metadata").path("creationTimestamp").asText("");
  }

  private static String orNone(String value) {
    return value.isEmpty() ? "<none>" : value;
  }

  private static String age(String timestamp, Instant now) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    try {
      return human(Duration.between(Instant.parse(timestamp), now));
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
  }

  /** kubectl's short duration form ({@code 45s}, {@code 3m12s}, {@code 12m}, {@code 5h3m}, {@code 3d}). */
  static String human(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 10) {
      return seconds % 60 == 0 ? minutes + "m" : minutes + "m" + seconds % 60 + "s";
    }
    if (minutes < 180) {
      return minutes + "m";
    }
    long hours = d.toHours();
    if (hours < 8) {
      return minutes % 60 == 0 ? hours + "h" : hours + "h" + minutes % 60 + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      return hours % 24 == 0 ? hours / 24 + "d" : hours / 24 + "d" + hours % 24 + "h";
    }
    return hours / 24 + "d";
  }
}
