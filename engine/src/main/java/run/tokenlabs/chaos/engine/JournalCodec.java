package run.tokenlabs.chaos.engine;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.stream.Stream;
import run.tokenlabs.chaos.api.event.ChaosEvent;

/**
 * Turns an event into its journal line and back; the layout is documented on {@link ChaosEvent}.
 *
 * <p>Reading is strict: a line of another schema, an unknown type or field, a missing field or a
 * null where a number belongs is refused, so a journal is never read as something it does not say
 * (a missing key number is not 0). The event records stay free of Jackson: the type discriminator
 * is configured here.
 */
final class JournalCodec {
  private static final String TYPE = "type";
  private static final String SCHEMA = "schema";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .addMixIn(ChaosEvent.class, TypedBySimpleName.class)
      .registerSubtypes(Stream.of(ChaosEvent.class.getPermittedSubclasses())
          .map(type -> new NamedType(type, type.getSimpleName())).toArray(NamedType[]::new))
      .build();

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = TYPE)
  private interface TypedBySimpleName {
  }

  private JournalCodec() {
  }

  /** One line, without its line break: {@code type}, {@code schema}, then the record's components in order. */
  static String write(ChaosEvent event) {
    ObjectNode line = JSON.createObjectNode();
    line.put(TYPE, event.getClass().getSimpleName());
    line.put(SCHEMA, ChaosEvent.SCHEMA);
    ObjectNode fields = JSON.valueToTree(event);
    fields.remove(TYPE);
    line.setAll(fields);
    try {
      return JSON.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write " + event.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The event of one line.
   *
   * @throws JsonProcessingException when the line is not JSON or not an event of this schema; the
   *     message says which
   */
  static ChaosEvent read(String line) throws JsonProcessingException {
    JsonNode node = JSON.readTree(line);
    if (!(node instanceof ObjectNode object)) {
      throw new UnreadableLine("not a JSON object");
    }
    JsonNode schema = object.remove(SCHEMA);
    if (schema == null) {
      throw new UnreadableLine("no '" + SCHEMA + "' field: written before journal events were typed (schema "
          + ChaosEvent.SCHEMA + "); read it with the version of tokenlabs-chaos that wrote it, or run again");
    }
    if (!schema.isInt() || schema.intValue() != ChaosEvent.SCHEMA) {
      throw new UnreadableLine("schema " + schema + ", and this reader reads schema " + ChaosEvent.SCHEMA
          + " only; read it with the version of tokenlabs-chaos that wrote it");
    }
    addFindingActionIfAbsent(object);
    return JSON.treeToValue(object, ChaosEvent.class);
  }

  /** A finding's recommended action came later than schema 2: a line without one reads as a finding without action. */
  private static void addFindingActionIfAbsent(ObjectNode line) {
    if ("FindingRecorded".equals(line.path(TYPE).asText()) && line.get("finding") instanceof ObjectNode finding
        && !finding.has("action")) {
      finding.putNull("action");
    }
  }

  /** A line that is JSON but not an event this reader can take. */
  static final class UnreadableLine extends JsonProcessingException {
    UnreadableLine(String message) {
      super(message);
    }
  }
}
