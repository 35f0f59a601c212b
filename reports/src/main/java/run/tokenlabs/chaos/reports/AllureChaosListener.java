package run.tokenlabs.chaos.reports;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.util.PropertiesUtils;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.RunFinished;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.api.spi.ChaosListener;
import run.tokenlabs.chaos.engine.JournalFile;

/**
 * The engine's Allure reporter, found by ServiceLoader: each experiment's events become steps and
 * attachments of its Allure test case ({@link AllureSteps}); when the run starts it carries the previous
 * report's history into the results ({@link AllureHistory}), and when the run finishes it writes
 * the game-day summary page next to the journal ({@link GameDayReport}) and, if Allure was
 * recording, the run's artifacts into the Allure results ({@link AllureRunArtifacts}).
 *
 * <p>It never throws into the engine: a failure is logged once per event type and the run goes on.
 * Without allure-junit5 on the test classpath no test case is running, so only the summary page is
 * written.
 */
public final class AllureChaosListener implements ChaosListener {
  private static final Logger LOG = Logger.getLogger(AllureChaosListener.class.getName());

  private final AllureSteps steps;
  private final AllureRunArtifacts runArtifacts;
  private final Path resultsDir;
  private final Set<Class<?>> warned = ConcurrentHashMap.newKeySet();
  private volatile Path journal;

  /** The ServiceLoader instance: Allure's global lifecycle and its configured results directory. */
  public AllureChaosListener() {
    this(Allure.getLifecycle(), resultsDirectory());
  }

  /** The test seam: a given lifecycle writing into {@code resultsDir}. */
  AllureChaosListener(AllureLifecycle lifecycle, Path resultsDir) {
    this.steps = new AllureSteps(lifecycle);
    this.runArtifacts = new AllureRunArtifacts(lifecycle, resultsDir);
    this.resultsDir = resultsDir;
  }

  /** Where Allure's default writer puts results: {@code allure.results.directory}, as allure-java-commons reads it. */
  private static Path resultsDirectory() {
    return Path.of(PropertiesUtils.loadAllureProperties().getProperty("allure.results.directory", "allure-results"));
  }

  @Override
  public void onEvent(ChaosEvent event) {
    try {
      if (event instanceof RunStarted started) {
        journal = Path.of(started.journal());
        carryHistory();
        steps.summaryLink(summaryLink(journal, started.runId()));
      } else if (event instanceof RunFinished finished) {
        finished(finished);
      } else {
        steps.onEvent(event);
      }
    } catch (RuntimeException | LinkageError e) {
      if (warned.add(event.getClass())) {
        LOG.log(Level.WARNING, "The Allure report could not record a " + event.getClass().getSimpleName()
            + " event of run " + event.runId() + " (further failures on this event type are not logged); the event "
            + "is in the journal", e);
      }
    }
  }

  /** The previous report's history into the results, for Allure's trends; a failure costs the trends only. */
  private void carryHistory() {
    Path report = resultsDir.toAbsolutePath().resolveSibling("allure-report");
    try {
      AllureHistory.carry(report, resultsDir);
    } catch (java.io.IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "Allure's trends will start over: the history of " + report + " could not be copied into "
          + resultsDir + "/history (" + e + "); copy it by hand before generating the report to keep them", e);
    }
  }

  private void finished(RunFinished event) {
    DisabledExperimentSteps.forget(event.runId());
    Path file = journal;
    if (file == null) {
      LOG.warning("Run " + event.runId() + " finished, but no RunStarted named its journal file: no summary page. "
          + "Write it by hand with GameDayReport on the journal-" + event.runId() + ".jsonl file");
      return;
    }
    boolean allure = steps.sawTestCase();
    Path report = allure ? resultsDir.toAbsolutePath().resolveSibling("allure-report") : null;
    GameDayReport.Written summary = GameDayReport.writeSummary(file, parentOf(file), report, allure ? resultsDir : null);
    LOG.info("Game-day summary of run " + event.runId() + ": " + summary.html().toAbsolutePath());
    if (allure) {
      runArtifacts.write(RunRecord.of(JournalFile.read(file)), file, summary);
    }
  }

  /** The summary page as a link from the Allure report's index (the report is generated beside the results). */
  String summaryLink(Path journalFile, String runId) {
    Path page = parentOf(journalFile).resolve("summary-" + runId + ".html").toAbsolutePath().normalize();
    Path report = resultsDir.toAbsolutePath().normalize().resolveSibling("allure-report");
    try {
      return report.relativize(page).toString().replace('\\', '/');
    } catch (IllegalArgumentException differentRoot) {
      return page.toUri().toString();
    }
  }

  private static Path parentOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of(".") : parent;
  }
}
