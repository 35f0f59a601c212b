package run.tokenlabs.chaos.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import run.tokenlabs.chaos.api.event.ChaosEvent;

/**
 * A run's journal read back from disk: its events in order, typed. This is the one reader of the
 * journal; reports and tests build on it.
 *
 * <p>A run killed mid-write (SIGKILL, power loss) can leave a torn last line: a line with no line
 * break after it that is not a whole event. That line is left out and named in
 * {@link #tornLastLine()}, so a reader can say what it did not read. Any other line that is not an
 * event of this {@link ChaosEvent#SCHEMA schema} stops the reading with an error naming the file
 * and line.
 *
 * @param path the file read
 * @param events its events, in the order they were written
 * @param tornLastLine the torn last line left out, as {@code "line N: why"}, or empty
 */
public record JournalFile(Path path, List<ChaosEvent> events, Optional<String> tornLastLine) {
  /** How the engine names a run's journal: {@code journal-<runId>.jsonl}. */
  static final String PREFIX = "journal-";
  static final String SUFFIX = ".jsonl";

  public JournalFile {
    events = List.copyOf(events);
  }

  /**
   * Reads one journal.
   *
   * @throws UncheckedIOException when the file cannot be read, or a line other than a torn last
   *     one is not an event; the message names the file and the line
   */
  public static JournalFile read(Path path) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the journal '" + path + "': " + e
          + "; pass the journal-<runId>.jsonl file of a run (by default in target/chaos-journal)", e);
    }
    // decoded leniently: a crash in the middle of a multi-byte character must still read as a torn line
    String text = new String(bytes, StandardCharsets.UTF_8);
    boolean endsWithLineBreak = text.endsWith("\n");
    String[] lines = text.split("\n", -1);
    List<ChaosEvent> events = new ArrayList<>();
    Optional<String> torn = Optional.empty();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        events.add(JournalCodec.read(line));
      } catch (JsonProcessingException e) {
        if (i == lines.length - 1 && !endsWithLineBreak) {
          torn = Optional.of("line " + (i + 1) + ": " + describe(e));
        } else {
          throw new UncheckedIOException("Journal " + path + ":" + (i + 1) + " is not a journal event: " + describe(e)
              + ". Only a torn last line (a run killed mid-write) is left out; this one is followed by more, so the "
              + "file was changed by hand or is not a journal", e);
        }
      }
    }
    return new JournalFile(path, events, torn);
  }

  /**
   * Reads every journal in a directory ({@code journal-*.jsonl}), in the order their runs started.
   *
   * @return the journals; empty when the directory holds none or does not exist
   */
  public static List<JournalFile> readAll(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(JournalFile::isJournal).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the journals in '" + dir + "': " + e, e);
    }
    return files.stream().map(JournalFile::read).sorted(Comparator.comparing(JournalFile::started)).toList();
  }

  /** The run's id: from its events, else from the file name. */
  public String runId() {
    return events.isEmpty()
        ? path.getFileName().toString().replaceFirst("^" + PREFIX, "").replaceFirst("\\" + SUFFIX + "$", "")
        : events.get(0).runId();
  }

  /** Its events of one type, in order, e.g. {@code events(VerdictReached.class)}. */
  public <T extends ChaosEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** When the run started: its first event, or for an empty journal when the file was last written. */
  private Instant started() {
    if (!events.isEmpty()) {
      return events.get(0).at();
    }
    try {
      return Files.getLastModifiedTime(path).toInstant();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the modification time of '" + path + "'", e);
    }
  }

  private static boolean isJournal(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(PREFIX) && name.endsWith(SUFFIX) && Files.isRegularFile(file);
  }

  /** Jackson's reason, with the field it concerns and without its advice on mapper settings. */
  private static String describe(JsonProcessingException e) {
    String reason = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("")
        .replaceFirst(" \\(set DeserializationConfig\\..*$", "");
    reason = reason.length() > 200 ? reason.substring(0, 197) + "..." : reason;
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field = mapping.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining("."));
      return "field '" + field + "': " + reason;
    }
    return reason;
  }
}
