package run.tokenlabs.chaos.testkit;

import java.util.List;
import java.util.Optional;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.FindingRecorded;
import run.tokenlabs.chaos.api.event.KeyNumberRecorded;
import run.tokenlabs.chaos.api.event.VerdictReached;

/**
 * The journal of one experiment within a run ({@link GameDayJournal#experiment(String)}): its
 * events in order, and what tests most often ask of them.
 */
public final class ExperimentJournal {
  private final String name;
  private final List<ChaosEvent> events;

  ExperimentJournal(String name, List<ChaosEvent> events) {
    this.name = name;
    this.events = List.copyOf(events);
  }

  /** The experiment's name, {@code "<id> <TestClass>#<method>"}. */
  public String name() {
    return name;
  }

  /** Its events, in order; empty when it did not run. */
  public List<ChaosEvent> events() {
    return events;
  }

  /** Its events of one type, e.g. {@code events(RollbackDone.class)}. */
  public <T extends ChaosEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** How it ended; empty when the journal has no verdict for it (it did not run, or the run was killed). */
  public Optional<VerdictReached> verdict() {
    return events(VerdictReached.class).stream().reduce((first, second) -> second);
  }

  /** The findings it recorded, in order. */
  public List<Finding> findings() {
    return events(FindingRecorded.class).stream().map(FindingRecorded::finding).toList();
  }

  /** The key numbers it recorded, in order. */
  public List<KeyNumber> keyNumbers() {
    return events(KeyNumberRecorded.class).stream().map(KeyNumberRecorded::keyNumber).toList();
  }

  @Override
  public String toString() {
    return name + " (" + events.size() + " events)";
  }
}
