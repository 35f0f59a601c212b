package run.tokenlabs.chaos.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * How a {@link Rollback} record is written to the pending-rollback file and read back by a later run:
 * {@code {"kind": "<record class>", "description": "...", "state": {<component>: <value>, ...}}}.
 *
 * <p>Reading loads the named class without initialising it and goes on only if it is a record
 * implementing {@link Rollback}: the file names a class, and nothing else may be instantiated from
 * it. A rollback that cannot be read back becomes an {@link UnreadableRollback} whose undo fails with
 * the reason, so the run that finds it stops and says which file, line and kind.
 *
 * <p>Writing refuses a state that holds a literal secret ({@link SecretScan}): the file outlives a
 * crash, and a redacted value would make the undo recreate something broken.
 */
final class RollbackCodec {
  /** Strict on reading: a state written by another version of a fault must fail, not fill in defaults. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private RollbackCodec() {
  }

  /**
   * The rollback as JSON, after checking that it reads back equal: a fault must not act on an undo
   * the next run could not complete.
   */
  static ObjectNode write(Rollback rollback) {
    Class<?> type = rollback.getClass();
    if (!type.isRecord()) {
      throw new IllegalArgumentException("Rollback " + type.getName() + " ('" + rollback.description()
          + "') is not a record; the engine writes a rollback's record components to the pending-rollback file "
          + "and rebuilds it from them after a crash. Declare it as a record implementing Rollback");
    }
    ObjectNode state = JSON.createObjectNode();
    for (RecordComponent component : type.getRecordComponents()) {
      state.set(component.getName(), JSON.valueToTree(valueOf(component, rollback)));
    }
    SecretScan.find(state, "").ifPresent(where -> {
      throw new IllegalArgumentException("Rollback " + type.getName() + " ('" + rollback.description() + "') holds a "
          + "literal secret at " + where + ", which the pending-rollback file would keep on disk after a crash; it "
          + "was refused before the fault acted, so nothing was injected. Take the value from a Secret "
          + "(env valueFrom.secretKeyRef) so that only the reference is recorded");
    });
    Object readBack = readBack(type, state, rollback);
    if (!rollback.equals(readBack)) {
      throw new IllegalArgumentException("Rollback " + type.getName() + " ('" + rollback.description()
          + "') does not read back equal from its JSON " + state + " (read back: " + readBack + "); use "
          + "components Jackson writes and reads faithfully (strings, numbers, booleans, enums, lists, maps, "
          + "records; no arrays)");
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("kind", type.getName()); // what read() loads, whatever kind() says
    node.put("description", rollback.description());
    node.set("state", state);
    return node;
  }

  /** The rollback a register line holds, or an {@link UnreadableRollback} saying why it cannot be rebuilt. */
  static Rollback read(JsonNode node, Path file, int line) {
    String kind = node.path("kind").asText("");
    String description = node.path("description").asText("(no description)");
    JsonNode state = node.path("state");
    List<String> keys = new ArrayList<>();
    state.fieldNames().forEachRemaining(keys::add);
    String where = "Pending rollback at " + file + " line " + line + " ('" + description + "', kind '" + kind + "')";
    String byHand = " Undo '" + description + "' by hand, then delete " + file + ".";
    Class<?> type;
    try {
      type = Class.forName(kind, false, classLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return new UnreadableRollback(kind, description, keys, where + " cannot be completed: no class '" + kind
          + "' on this run's class path. The fault that wrote it is missing (a module left off the test class "
          + "path, or a version where it was renamed): run again with it on the class path, or" + byHand);
    }
    if (!type.isRecord() || !Rollback.class.isAssignableFrom(type)) {
      return new UnreadableRollback(kind, description, keys, where + " names class " + kind + ", which is not a "
          + "record implementing " + Rollback.class.getName() + ", so it was not instantiated; the file was not "
          + "written by tokenlabs-chaos or was edited." + byHand);
    }
    try {
      return (Rollback) JSON.treeToValue(state, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return new UnreadableRollback(kind, description, keys, where + ": its state " + keys + " does not fit the "
          + "components of " + kind + " " + Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName)
          .toList() + " (" + reason(e) + "), so it was written by another version of that fault."
          + byHand);
    }
  }

  /** The names of a rollback's components, as journaled: the values may be large manifests. */
  static List<String> stateKeys(Rollback rollback) {
    if (rollback instanceof UnreadableRollback unreadable) {
      return unreadable.stateKeys();
    }
    RecordComponent[] components = rollback.getClass().getRecordComponents();
    return components == null ? List.of() : Arrays.stream(components).map(RecordComponent::getName).toList();
  }

  private static Object readBack(Class<?> type, ObjectNode state, Rollback rollback) {
    try {
      return JSON.treeToValue(state, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Rollback " + type.getName() + " ('" + rollback.description()
          + "') cannot be read back from its JSON " + state + ": " + e.getMessage() + ". A later run could not "
          + "complete it after a crash; give it components Jackson can rebuild it from (public record, "
          + "components of JSON-friendly types)", e);
    }
  }

  /** Jackson's message without the location it appends, which would repeat the state. */
  private static String reason(Exception e) {
    return e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
  }

  private static Object valueOf(RecordComponent component, Rollback rollback) {
    try {
      component.getAccessor().setAccessible(true);
      return component.getAccessor().invoke(rollback);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot read component '" + component.getName() + "' of rollback "
          + rollback.getClass().getName(), e);
    }
  }

  /** The context class loader sees the test class path (where faults live); the engine's own is the fallback. */
  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : RollbackCodec.class.getClassLoader();
  }
}
