package run.tokenlabs.chaos.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.spi.ChaosListener;

/**
 * The append-only record of a run: one JSON {@link ChaosEvent} per line in
 * {@code journal-<runId>.jsonl} (layout on {@link ChaosEvent}, read back by {@link JournalFile}),
 * flushed per event so a killed run leaves everything up to its last event. Every event also goes
 * to the {@link ChaosListener}s found by ServiceLoader.
 */
final class Journal implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Journal.class.getName());
  /** Plain JSON for the run's other files (the pending rollbacks); events go through {@link JournalCodec}. */
  static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final String runId;
  private final Path file;
  private final BufferedWriter writer;
  private final List<ChaosListener> listeners;
  private final Clock clock;

  private Journal(String runId, Path file, BufferedWriter writer, List<ChaosListener> listeners, Clock clock) {
    this.runId = runId;
    this.file = file;
    this.writer = writer;
    this.listeners = listeners;
    this.clock = clock;
  }

  static Journal open(Path dir, String runId, Clock clock) {
    List<ChaosListener> listeners = ServiceLoader.load(ChaosListener.class).stream()
        .map(ServiceLoader.Provider::get).toList();
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(JournalFile.PREFIX + runId + JournalFile.SUFFIX);
      BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return new Journal(runId, file, writer, listeners, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the journal in '" + dir
          + "'; set journal.dir (-Dtokenlabs.chaos.journal.dir) to a writable directory", e);
    }
  }

  Path file() {
    return file;
  }

  /** Builds an event from the journal's clock and run id. */
  @FunctionalInterface
  interface Stamped {
    ChaosEvent at(Instant at, String runId);
  }

  /** Stamps the event, writes it, flushes, then tells the listeners. */
  ChaosEvent record(Stamped stamped) {
    ChaosEvent event = stamped.at(clock.instant(), runId);
    String line = JournalCodec.write(event);
    synchronized (this) {
      try {
        writer.write(line);
        writer.newLine();
        writer.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot append to the journal '" + file + "'", e);
      }
    }
    for (ChaosListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Chaos listener " + listener.getClass().getName() + " failed on " + event.getClass().getSimpleName()
            + "; the event is in the journal, the listener is kept", e);
      }
    }
    return event;
  }

  @Override
  public synchronized void close() {
    try {
      writer.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Closing the journal " + file + " failed", e);
    }
  }
}
