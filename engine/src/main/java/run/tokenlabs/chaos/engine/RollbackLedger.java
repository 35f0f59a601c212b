package run.tokenlabs.chaos.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.ChaosEvent.EventType;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * Every rollback of a run, from registration to completion. Registration writes the pending file
 * before returning, so a fault acts only once its undo is on disk. Each rollback runs at most once
 * (the experiment, a guard halt and the shutdown hook may race for it); its undo is idempotent
 * besides.
 */
final class RollbackLedger {
  /** Where a rollback was run from, as journaled. */
  enum Source {
    EXPERIMENT("experiment"), GUARD_HALT("guard-halt"), SHUTDOWN_HOOK("shutdown-hook"), END_OF_RUN("end-of-run"),
    RECOVERED_FROM_CRASH("recovered-from-crash");

    final String label;

    Source(String label) {
      this.label = label;
    }
  }

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
  private final AtomicLong nextSeq = new AtomicLong(1);
  private final List<Entry> entries = new ArrayList<>();

  RollbackLedger(PendingRollbackFile file, Journal journal, Target target) {
    this.file = file;
    this.journal = journal;
    this.target = target;
  }

  /** Records the rollback durably; refuses one the next run could not read back (see {@link RollbackCodec}). */
  Entry register(Rollback rollback, String experiment) {
    Entry entry = new Entry(nextSeq.getAndIncrement(), rollback, experiment);
    synchronized (this) {
      file.register(entry.seq, rollback, target.name());
      entries.add(entry);
    }
    return entry;
  }

  /**
   * Runs the given entries newest first, each at most once. Failures do not stop the others.
   *
   * @return the failures, empty when every rollback succeeded
   */
  List<RollbackFailure> runAll(List<Entry> toRun, Source source, Duration timeout) {
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

  /** Runs one rollback's undo and journals the outcome. */
  void execute(Rollback rollback, String experiment, Source source, Duration timeout) throws Exception {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("rollback", rollback.description());
    data.put("kind", rollback.kind());
    data.put("state", RollbackCodec.stateKeys(rollback));
    data.put("source", source.label);
    try {
      rollback.undo(target, timeout);
      data.put("outcome", "done");
      journal.record(EventType.ROLLBACK_DONE, experiment, data);
    } catch (Exception e) {
      data.put("outcome", "failed");
      data.put("error", String.valueOf(e));
      journal.record(EventType.ROLLBACK_DONE, experiment, data);
      throw e;
    }
  }

  /** A rollback that failed, with its cause. */
  record RollbackFailure(Rollback rollback, Exception cause) {
    String describe() {
      return "rollback '" + rollback.description() + "' (" + rollback.kind() + ") failed: " + cause;
    }
  }
}
