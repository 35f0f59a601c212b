package run.tokenlabs.chaos.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Logger;
import org.opentest4j.TestAbortedException;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Guard;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.event.CapabilityChecked;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.EvidenceRecorded;
import run.tokenlabs.chaos.api.event.FaultActed;
import run.tokenlabs.chaos.api.event.FaultPrepared;
import run.tokenlabs.chaos.api.event.FindingRecorded;
import run.tokenlabs.chaos.api.event.GuardBreached;
import run.tokenlabs.chaos.api.event.HypothesisChecked;
import run.tokenlabs.chaos.api.event.KeyNumberRecorded;
import run.tokenlabs.chaos.api.event.RollbackSource;
import run.tokenlabs.chaos.api.spi.Capability.Availability;
import run.tokenlabs.chaos.api.spi.Capability;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.engine.HypothesisResult.CheckResult;
import run.tokenlabs.chaos.engine.RollbackLedger.RollbackFailure;
import run.tokenlabs.chaos.engine.kubernetes.GuardedTarget;

/**
 * One experiment in progress: the {@link Chaos} handle its test body uses, and the state the
 * extension needs around it (rollbacks it registered, guards, the reason it was skipped).
 */
final class ExperimentRun implements Chaos {
  private static final Logger LOG = Logger.getLogger(ExperimentRun.class.getName());
  /** The evidence a dry run journals in place of a key number. */
  static final String DRY_RUN_KEY_NUMBER = "dry run: key number not measured";
  /** What a dry-run plan of an action that is not a fault journals as its rollback. */
  static final String NOTHING_TO_UNDO = "nothing to undo: the action ends by itself (its bounds)";
  final String name;
  final ChaosRun run;
  final HypothesisEvaluator evaluator;
  private final Duration recoveryTimeout;
  private final List<RollbackLedger.Entry> rollbacks = new ArrayList<>();
  private final Map<Class<?>, Object> parameters = new HashMap<>();
  private final AtomicReference<GuardBreach> breach = new AtomicReference<>();
  private GuardWatcher guards;
  private volatile Thread testThread;
  private String skipReason;
  private boolean blocked;
  private volatile ProbeException notStartable;
  /** Blast-radius refusals of the run before this experiment started: later ones are this experiment's. */
  private final int refusalsBefore;
  private volatile String dryRunStop;

  ExperimentRun(String name, ChaosRun run, Duration recoveryTimeout) {
    this.name = name;
    this.run = run;
    this.recoveryTimeout = recoveryTimeout;
    this.evaluator = new HypothesisEvaluator(run.probeReader);
    this.refusalsBefore = run.target.unwrap(GuardedTarget.class).map(GuardedTarget::refusalCount).orElse(0);
  }

  /**
   * Throws the first Kubernetes call the blast radius refused during this experiment, if any: an
   * experiment that caught the refusal and went on must still end as ERROR, not HELD.
   */
  void throwIfRefused() {
    run.target.unwrap(GuardedTarget.class).map(t -> t.refusalsSince(refusalsBefore)).filter(r -> !r.isEmpty())
        .ifPresent(refused -> {
          throw refused.get(0);
        });
  }

  @Override
  public void inject(Fault<?> fault) {
    injectTyped(fault);
  }

  /** Typed so that {@link Fault#act} gets the very rollback its {@link Fault#prepare} returned. */
  private <R extends Record & Rollback> void injectTyped(Fault<R> fault) {
    throwIfHalted();
    testThread = Thread.currentThread();
    SafetyPolicy.checkNamespaces(fault.namespaces(), run.config, run.target.kubernetes(), fault.description());
    R rollback;
    try {
      rollback = fault.prepare(run.target);
    } catch (Exception e) {
      throw new FaultException("Could not prepare fault '" + fault.description() + "': " + e.getMessage()
          + "; nothing was changed", e);
    }
    boolean dryRun = run.config.dryRun();
    journal((at, runId, experiment) -> new FaultPrepared(at, runId, experiment, fault.description(),
        rollback.description(), fault.namespaces().stream().sorted().toList(), dryRun));
    if (dryRun) {
      run.ledger.check(rollback, fault.namespaces()); // refuse in a dry run what a real run would refuse
      LOG.info(() -> "[chaos dry-run] " + name + ": would inject '" + fault.description() + "', rollback: '"
          + rollback.description() + "'. Nothing was done.");
      abort("dry run: would inject '" + fault.description() + "' (rollback: '" + rollback.description()
          + "'); no action taken");
    }
    synchronized (rollbacks) {
      rollbacks.add(run.ledger.register(rollback, name, fault.namespaces()));
    }
    try {
      fault.act(run.target, rollback);
    } catch (Exception e) {
      throw new FaultException("Fault '" + fault.description() + "' failed while acting: " + e.getMessage()
          + "; its rollback runs now", e);
    }
    journal((at, runId, experiment) -> new FaultActed(at, runId, experiment, fault.description()));
    run.ledger.events.injected(name, fault.description(), rollback);
  }

  /**
   * An action on the target that is not a fault (a load, a probe that writes) is about to be taken,
   * maybe on another thread than the test body's. Under dry run its plan is journaled like a fault's
   * ({@link FaultPrepared} with {@code dryRun}) and the experiment ends as ABORTED; otherwise nothing
   * happens here.
   */
  void announce(String plan) {
    if (!run.config.dryRun()) {
      return;
    }
    journal((at, runId, experiment) -> new FaultPrepared(at, runId, experiment, plan, NOTHING_TO_UNDO, List.of(),
        true));
    LOG.info(() -> "[chaos dry-run] " + name + ": would " + plan + ". Nothing was sent.");
    String reason = "dry run: would " + plan + "; nothing was sent";
    dryRunStop = reason;
    abort(reason);
  }

  /**
   * Re-raises a dry-run stop as the experiment's ABORTED outcome when the body (or a probe) saw it
   * wrapped or swallowed it: a stop on a pool thread reaches the body as another exception.
   */
  void throwIfStoppedByDryRun(Throwable seen) {
    String reason = dryRunStop;
    if (reason != null && !(seen instanceof TestAbortedException)) {
      TestAbortedException aborted = new TestAbortedException("ABORTED: " + reason);
      if (seen != null) {
        aborted.addSuppressed(seen);
      }
      throw aborted;
    }
  }

  @Override
  public synchronized void guard(Guard guard) {
    throwIfHalted();
    testThread = Thread.currentThread();
    if (guards == null) {
      guards = new GuardWatcher(evaluator, this::halt);
    }
    guards.watch(guard);
  }

  /** A guard tripped: journal it, roll back now, and stop the test body. */
  private void halt(Guard guard, CheckResult result) {
    GuardBreach tripped = new GuardBreach(guard, result);
    if (!breach.compareAndSet(null, tripped)) {
      return;
    }
    journal((at, runId, experiment) -> new GuardBreached(at, runId, experiment, guard.name(), guard.check().describe(),
        result.reading() == null ? null : result.reading().toString(), guard.check().tolerance().description(),
        result.error() == null ? null : String.valueOf(result.error().getMessage())));
    rollBack(RollbackSource.GUARD_HALT);
    Thread thread = testThread;
    if (thread != null) {
      thread.interrupt();
    }
  }

  GuardBreach breach() {
    return breach.get();
  }

  void throwIfHalted() {
    GuardBreach tripped = breach.get();
    if (tripped != null) {
      Throwable t = tripped.toThrowable();
      if (t instanceof RuntimeException re) {
        throw re;
      }
      throw (AssertionError) t;
    }
  }

  /** Stops the guards and runs this experiment's rollbacks, newest first. */
  List<RollbackFailure> rollBack(RollbackSource source) {
    List<RollbackLedger.Entry> mine;
    synchronized (rollbacks) {
      mine = List.copyOf(rollbacks);
    }
    return run.ledger.runAll(mine, source, recoveryTimeout);
  }

  synchronized void stopGuards() {
    if (guards != null) {
      guards.close();
    }
  }

  boolean injectedAnything() {
    synchronized (rollbacks) {
      return !rollbacks.isEmpty();
    }
  }

  /**
   * Asks the target for a capability (within the probe timeout) and journals the answer.
   *
   * @throws ProbeException when the target cannot be asked: that is an ERROR, not an absence
   */
  Availability checkCapability(Capability capability) {
    Probe<Availability> probe = Probe.of("capability: " + capability.name(),
        () -> Reading.of(capability.check(run.target)));
    Availability availability = run.probeReader.read(probe).value().orElseThrow();
    journal((at, runId, experiment) -> new CapabilityChecked(at, runId, experiment, capability.name(),
        availability.present(), availability.reason()));
    return availability;
  }

  /**
   * Keeps an error found before the experiment's callbacks run (a JUnit condition may only enable
   * or disable a test); {@link #throwIfNotStartable()} raises it as the experiment's first step.
   */
  void failBeforeStart(ProbeException error) {
    notStartable = error;
  }

  /** Fails the experiment before anything is read or injected, if it could not be started. */
  void throwIfNotStartable() {
    ProbeException error = notStartable;
    if (error != null) {
      throw error;
    }
  }

  /** Ends the experiment as ABORTED (skipped): nothing was injected, or a dry run stopped at its first fault. */
  void abort(String reason) {
    this.skipReason = reason;
    throw new TestAbortedException("ABORTED: " + reason);
  }

  /**
   * Marks the experiment BLOCKED: a capability it needs is absent, so it is not run at all.
   *
   * @return the reason JUnit shows for the disabled test, {@code BLOCKED: <reason>}
   */
  String block(String reason) {
    this.skipReason = reason;
    this.blocked = true;
    return "BLOCKED: " + reason;
  }

  boolean blocked() {
    return blocked;
  }

  String skipReason() {
    return skipReason;
  }

  /** Builds one of this experiment's events from the journal's clock and run id and this experiment's name. */
  @FunctionalInterface
  interface ExperimentEvent {
    ChaosEvent at(Instant at, String runId, String experiment);
  }

  void journal(ExperimentEvent event) {
    run.journal.record((at, runId) -> event.at(at, runId, name));
  }

  void journalHypothesis(HypothesisChecked.Phase phase, HypothesisResult result) {
    journal((at, runId, experiment) -> result.toEvent(at, runId, experiment, phase));
  }

  Object parameter(Class<?> type, Function<Chaos, Object> factory) {
    return parameters.computeIfAbsent(type, t -> factory.apply(this));
  }

  @Override
  public void record(Finding finding) {
    journal((at, runId, experiment) -> new FindingRecorded(at, runId, experiment, finding));
  }

  /**
   * A dry run measures nothing, so a key number recorded in one is not published as a measurement:
   * the journal keeps only that it would have been recorded, without its value.
   */
  @Override
  public void record(KeyNumber keyNumber) {
    if (run.config.dryRun()) {
      journal((at, runId, experiment) -> new EvidenceRecorded(at, runId, experiment, DRY_RUN_KEY_NUMBER,
          "'" + keyNumber.name() + "' would be recorded here; a dry run sends nothing, so it has no measured value"));
      return;
    }
    journal((at, runId, experiment) -> new KeyNumberRecorded(at, runId, experiment, keyNumber));
  }

  @Override
  public void evidence(String evidenceName, String content) {
    journal((at, runId, experiment) -> new EvidenceRecorded(at, runId, experiment, evidenceName, content));
  }

  @Override
  public Target target() {
    return run.target;
  }

  @Override
  public ChaosConfig config() {
    return run.config;
  }

  @Override
  public String runId() {
    return run.runId;
  }

  @Override
  public Duration recoveryTimeout() {
    return recoveryTimeout;
  }
}
