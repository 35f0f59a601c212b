package run.tokenlabs.chaos.reports;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import run.tokenlabs.chaos.api.spi.ChaosEvent.EventType;
import run.tokenlabs.chaos.api.spi.ChaosEvent;

/**
 * A run's journal as read back from disk: its events in order, and the lines that could not be
 * read (a run killed mid-write leaves a partial last line; a newer engine may add event types).
 * Unreadable lines are kept as notes so the summary says what it left out instead of guessing.
 */
record JournalFile(Path path, List<ChaosEvent> events, List<String> unreadable) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> DATA = new TypeReference<>() {};

  static JournalFile read(Path path) {
    List<ChaosEvent> events = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (!line.isBlank()) {
          parse(line, number, events, unreadable);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the journal '" + path + "': " + e.getMessage()
          + "; pass the journal-<runId>.jsonl file of a run (by default in target/chaos-journal)", e);
    }
    return new JournalFile(path, List.copyOf(events), List.copyOf(unreadable));
  }

  private static void parse(String line, int number, List<ChaosEvent> events, List<String> unreadable) {
    try {
      JsonNode node = JSON.readTree(line);
      EventType type = EventType.valueOf(node.path("type").asText());
      Instant at = Instant.parse(node.path("at").asText());
      String experiment = node.path("experiment").isTextual() ? node.get("experiment").asText() : null;
      Map<String, Object> data = node.hasNonNull("data") ? JSON.convertValue(node.get("data"), DATA) : Map.of();
      events.add(new ChaosEvent(type, at, node.path("runId").asText(""), experiment, data));
    } catch (IOException | RuntimeException e) {
      unreadable.add("line " + number + ": " + abbreviate(e.getMessage()));
    }
  }

  private static String abbreviate(String message) {
    String oneLine = String.valueOf(message).lines().findFirst().orElse("");
    return oneLine.length() > 160 ? oneLine.substring(0, 157) + "..." : oneLine;
  }
}
