package run.tokenlabs.chaos.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import run.tokenlabs.chaos.engine.PendingRollbackFile.Leftover;

/**
 * Reads the lines of one pending-rollback file in order and keeps the rollbacks registered and
 * not yet done. A line is accepted only when its MAC verifies under the {@link JournalKey} and it
 * has the fields this engine writes; anything else is a {@link PendingRecordException} naming the
 * file, the line and what is wrong with it. The MAC is checked first, so nothing of an
 * unauthenticated line is interpreted.
 */
final class PendingRecordReader {
  private static final Pattern SIGNED = Pattern.compile("(\\{.*),\"mac\":\"([0-9a-f]{64})\"}");

  private final Path file;
  private final String runId;
  private final JournalKey key;
  private final Map<Long, Leftover> open = new LinkedHashMap<>();
  private final Set<Long> registered = new HashSet<>();

  PendingRecordReader(Path file, String runId, JournalKey key) {
    this.file = file;
    this.runId = runId;
    this.key = key;
  }

  /** Reads line {@code number} (1-based). */
  void read(String text, int number) {
    JsonNode node = parse(authenticated(text, number), number);
    String op = node.path("op").asText("");
    JsonNode seqNode = node.path("seq");
    if (!seqNode.isIntegralNumber() || seqNode.asLong() < 1) {
      throw bad(number, "its seq is " + seqNode + ", not a positive whole number");
    }
    long seq = seqNode.asLong();
    switch (op) {
      case "register" -> register(node, seq, number);
      case "done" -> {
        if (!registered.contains(seq)) {
          throw bad(number, "it marks seq " + seq + " done, which no earlier line registered");
        }
        open.remove(seq);
      }
      default -> throw bad(number, "its op is " + node.path("op") + ", not \"register\" or \"done\"");
    }
  }

  /** The rollbacks registered and not done, in the order they were registered. */
  List<Leftover> open() {
    return new ArrayList<>(open.values());
  }

  private String authenticated(String text, int number) {
    Matcher signed = SIGNED.matcher(text);
    if (!signed.matches()) {
      throw bad(number, "it is not a signed record (a JSON object ending in \"mac\"); seen: " + excerpt(text));
    }
    String body = signed.group(1) + "}";
    if (!key.verifies(runId + "\n" + body, signed.group(2))) {
      throw bad(number, "its MAC does not match: it was edited, or written by someone without the key in "
          + key.file() + ", or for another run's file");
    }
    return body;
  }

  private JsonNode parse(String body, int number) {
    try {
      JsonNode node = Journal.JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw bad(number, "it is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw bad(number, "it is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }

  private void register(JsonNode node, long seq, int number) {
    if (!registered.add(seq)) {
      throw bad(number, "it registers seq " + seq + " a second time");
    }
    JsonNode target = node.path("target");
    JsonNode namespaces = node.path("namespaces");
    JsonNode rollback = node.path("rollback");
    if (!target.isTextual()) {
      throw bad(number, "its register has no \"target\"");
    }
    if (!namespaces.isArray()) {
      throw bad(number, "its register has no \"namespaces\" list");
    }
    Set<String> names = new HashSet<>();
    for (JsonNode ns : namespaces) {
      if (!ns.isTextual()) {
        throw bad(number, "its \"namespaces\" holds " + ns + ", not a name");
      }
      names.add(ns.asText());
    }
    if (!rollback.path("kind").isTextual() || rollback.path("kind").asText().isBlank()) {
      throw bad(number, "its register has no rollback \"kind\" (the record class to rebuild)");
    }
    if (!rollback.path("description").isTextual() || !rollback.path("state").isObject()) {
      throw bad(number, "its rollback lacks a \"description\" text or a \"state\" object");
    }
    open.put(seq, new Leftover(file, number, runId, seq, RollbackCodec.read(rollback, file, number),
        target.asText(), names));
  }

  private PendingRecordException bad(int number, String problem) {
    return new PendingRecordException(file, number, problem);
  }

  private static String excerpt(String text) {
    return text.length() <= 80 ? "'" + text + "'" : "'" + text.substring(0, 80) + "...' (" + text.length() + " chars)";
  }
}
