package run.tokenlabs.chaos.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.RunFinished;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.api.spi.ChaosListener;

/**
 * A listener that acts once a run has finished (the Pushgateway push, the webhook post), with settings
 * read when the run started. It never throws into the engine, and says what became of its action in
 * {@code <name>-<runId>.txt} beside the journal: the journal's last line is RunFinished, so it cannot
 * go there.
 *
 * @param <S> its settings
 */
abstract class AfterRunListener<S> implements ChaosListener {
  private static final Logger LOG = Logger.getLogger(AfterRunListener.class.getName());

  private final String name;
  private final String action;
  private final Supplier<S> settingsSource;
  private volatile S settings;
  private volatile RunStarted started;

  /**
   * @param name the outcome file's prefix, e.g. {@code pushgateway}
   * @param action what it does, for the log, e.g. "pushing the results"
   */
  AfterRunListener(String name, String action, Supplier<S> settingsSource) {
    this.name = name;
    this.action = action;
    this.settingsSource = settingsSource;
  }

  @Override
  public final void onEvent(ChaosEvent event) {
    try {
      if (event instanceof RunStarted e) {
        started = e;
        settings = settingsSource.get();
      } else if (event instanceof RunFinished e && started != null && settings != null) {
        finished(started, settings, e);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Run " + event.runId() + ": " + action + " failed; the verdicts stand and the journal "
          + "has every result", e);
    }
  }

  /** Acts on the finished run; failures are its own to report through {@link #outcome}. */
  abstract void finished(RunStarted start, S settings, RunFinished event);

  /** Logs a failure and records what became of the action beside the journal. */
  final void failed(Path journal, RunFinished event, String message) {
    LOG.warning("Run " + event.runId() + ": " + message);
    outcome(journal, event, message);
  }

  /** Records what became of the action beside the journal. */
  final void outcome(Path journal, RunFinished event, String text) {
    Path parent = journal.toAbsolutePath().getParent();
    Path file = (parent == null ? Path.of(".") : parent).resolve(name + "-" + event.runId() + ".txt");
    try {
      Files.writeString(file, Instant.now() + " run " + event.runId() + ": " + text + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Cannot write " + file + " (" + text + ")", e);
    }
  }
}
