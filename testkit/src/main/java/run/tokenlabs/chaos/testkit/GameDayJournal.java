package run.tokenlabs.chaos.testkit;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.engine.JournalFile;

/**
 * One run's journal, as a test that ran experiments asks about it: which run, which experiments,
 * and for each its events, verdict, findings and key numbers ({@link ExperimentJournal}). It reads
 * through the engine's {@link JournalFile}, so a test sees exactly the typed events a report sees.
 *
 * <pre>
 * GameDayJournal journal = GameDayJournal.newestIn(Path.of("target", "readme-example"));
 * assertThat(journal.onlyExperiment().verdict()).hasValueSatisfying(v -&gt; assertThat(v.verdict()).isEqualTo(HELD));
 * </pre>
 */
public final class GameDayJournal {
  private final JournalFile file;

  private GameDayJournal(JournalFile file) {
    this.file = file;
  }

  /**
   * The run that started last among the journals of {@code dir}.
   *
   * @throws AssertionError when the directory holds no journal: the run did not start
   */
  public static GameDayJournal newestIn(Path dir) {
    List<JournalFile> runs = JournalFile.readAll(dir);
    if (runs.isEmpty()) {
      throw new AssertionError("Expected a journal-<runId>.jsonl in " + dir.toAbsolutePath() + ", found none: the run "
          + "did not start. Check the configuration the experiments ran with (tokenlabs.chaos.journal.dir, target)");
    }
    return new GameDayJournal(runs.get(runs.size() - 1));
  }

  /** The run of one journal file. */
  public static GameDayJournal of(Path journal) {
    return new GameDayJournal(JournalFile.read(journal));
  }

  /** The run's id. */
  public String runId() {
    return file.runId();
  }

  /** The journal file read. */
  public Path path() {
    return file.path();
  }

  /** Every event of the run, in order. */
  public List<ChaosEvent> events() {
    return file.events();
  }

  /** The run's events of one type, e.g. {@code events(RollbackDone.class)}. */
  public <T extends ChaosEvent> List<T> events(Class<T> type) {
    return file.events(type);
  }

  /** The experiments of the run, in the order they started. */
  public List<ExperimentJournal> experiments() {
    Set<String> names = new LinkedHashSet<>();
    events(ExperimentStarted.class).forEach(started -> names.add(started.experiment()));
    List<ExperimentJournal> result = new ArrayList<>();
    names.forEach(name -> result.add(experiment(name)));
    return result;
  }

  /**
   * The run's only experiment.
   *
   * @throws AssertionError when the run has none or several
   */
  public ExperimentJournal onlyExperiment() {
    List<ExperimentJournal> all = experiments();
    if (all.size() != 1) {
      throw new AssertionError("Expected run " + runId() + " to hold one experiment, found " + all.size() + ": "
          + all.stream().map(ExperimentJournal::name).toList() + "; ask for one by name or test method");
    }
    return all.get(0);
  }

  /** The events of the experiment of this name ({@code "<id> <TestClass>#<method>"}); none if it did not run. */
  public ExperimentJournal experiment(String name) {
    return new ExperimentJournal(name, events().stream().filter(e -> name.equals(e.experiment())).toList());
  }

  /**
   * The experiment a test method ran as, found by the class and method its {@link ExperimentStarted}
   * names; none if it did not run.
   */
  public ExperimentJournal experiment(Method testMethod) {
    String className = testMethod.getDeclaringClass().getName();
    Optional<ExperimentStarted> started = events(ExperimentStarted.class).stream()
        .filter(e -> e.className().equals(className) && e.method().equals(testMethod.getName())).findFirst();
    return started.map(e -> experiment(e.experiment())).orElseGet(() -> new ExperimentJournal(
        testMethod.getDeclaringClass().getSimpleName() + "#" + testMethod.getName() + " (did not start)", List.of()));
  }

  @Override
  public String toString() {
    return "journal of run " + runId() + " (" + path() + ", " + events().size() + " events)";
  }
}
