package run.tokenlabs.chaos.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RollbackFailed;
import run.tokenlabs.chaos.api.event.RollbackSource;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * Every rollback of a run, from registration to completion. Registration writes the pending file
 * before returning, so a fault acts only once its undo is on disk. Each rollback runs at most once
 * (the experiment, a guard halt and the shutdown hook may race for it); its undo is idempotent
 * besides.
 */
final class RollbackLedger {
  /** One registered rollback. */
  static final class Entry {
    final long seq;
    final Rollback rollback;
    final String experiment;
    private boolean done;

    Entry(long seq, Rollback rollback, String experiment) {
      this.seq = seq;
      this.rollback = rollback;
      this.experiment = experiment;
    }
  }

  private final PendingRollbackFile file;
  private final Journal journal;
  private final Target target;
  /** The Kubernetes Events about the objects a rollback names, written when its fault acts and when it is undone. */
  final ClusterEventWriter events;
  private final AtomicLong nextSeq = new AtomicLong(1);
  private final List<Entry> entries = new ArrayList<>();

  RollbackLedger(PendingRollbackFile file, Journal journal, Target target) {
    this.file = file;
    this.journal = journal;
    this.target = target;
    this.events = new ClusterEventWriter(target, journal, Clock.systemUTC());
  }

  /**
   * Records the rollback durably; refuses one the next run could not read back or that holds a secret
   * (see {@link RollbackCodec}), and one whose undo would change a namespace its fault did not declare
   * (the engine checked only those).
   *
   * @param namespaces the namespaces its fault declared, recorded so that a replay checks them again
   */
  Entry register(Rollback rollback, String experiment, Set<String> namespaces) {
    check(rollback, namespaces);
    Entry entry = new Entry(nextSeq.getAndIncrement(), rollback, experiment);
    synchronized (this) {
      file.register(entry.seq, rollback, target.name(), namespaces);
      entries.add(entry);
    }
    return entry;
  }

  /**
   * What {@link #register} refuses, without recording anything: a dry run calls it so that it
   * refuses what a real run would refuse (a literal secret, an undeclared namespace, a state that
   * does not read back).
   */
  void check(Rollback rollback, Set<String> namespaces) {
    Set<String> undeclared = new TreeSet<>(rollback.namespaces());
    undeclared.removeAll(namespaces);
    if (!undeclared.isEmpty()) {
      throw new IllegalArgumentException("Rollback '" + rollback.description() + "' (" + rollback.kind() + ") would "
          + "change namespaces " + undeclared + " that its fault does not declare " + new TreeSet<>(namespaces)
          + ", so the engine has not checked them; nothing was injected. Declare them in the fault's namespaces()");
    }
    RollbackCodec.write(rollback);
  }

  /**
   * Runs the given entries newest first, each at most once. Failures do not stop the others.
   *
   * @return the failures, empty when every rollback succeeded
   */
  List<RollbackFailure> runAll(List<Entry> toRun, RollbackSource source, Duration timeout) {
    List<Entry> newestFirst = new ArrayList<>(toRun);
    newestFirst.sort((a, b) -> Long.compare(b.seq, a.seq));
    List<RollbackFailure> failures = new ArrayList<>();
    for (Entry entry : newestFirst) {
      synchronized (entry) {
        if (entry.done) {
          continue;
        }
        try {
          execute(entry.rollback, entry.experiment, source, timeout);
          entry.done = true;
          file.done(entry.seq);
        } catch (Exception e) {
          failures.add(new RollbackFailure(entry.rollback, e));
        }
      }
    }
    return failures;
  }

  /** Every entry not yet done, for the shutdown hook and the end of the run. */
  synchronized List<Entry> outstanding() {
    return entries.stream().filter(e -> {
      synchronized (e) {
        return !e.done;
      }
    }).toList();
  }

  /** Runs one rollback by its undo and journals the outcome. */
  void execute(Rollback rollback, String experiment, RollbackSource source, Duration timeout) throws Exception {
    List<String> state = stateFields(rollback);
    try {
      rollback.undo(target, timeout);
    } catch (Exception e) {
      events.rolledBack(experiment, rollback, e);
      journal.record((at, runId) -> new RollbackFailed(at, runId, experiment, rollback.description(), rollback.kind(),
          state, source, String.valueOf(e)));
      throw e;
    }
    events.rolledBack(experiment, rollback, null);
    journal.record((at, runId) -> new RollbackDone(at, runId, experiment, rollback.description(), rollback.kind(),
        state, source));
  }

  /** The names of the rollback's state fields: the journal shows what a handler was given, never the values. */
  private static List<String> stateFields(Rollback rollback) {
    return RollbackCodec.stateKeys(rollback);
  }

  /** A rollback that failed, with its cause. */
  record RollbackFailure(Rollback rollback, Exception cause) {
    String describe() {
      return "rollback '" + rollback.description() + "' (" + rollback.kind() + ") failed: " + cause;
    }
  }
}
