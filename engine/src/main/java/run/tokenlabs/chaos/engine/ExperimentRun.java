package run.tokenlabs.chaos.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.opentest4j.TestAbortedException;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Guard;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.ChaosEvent.EventType;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.engine.HypothesisResult.CheckResult;
import run.tokenlabs.chaos.engine.RollbackLedger.RollbackFailure;
import run.tokenlabs.chaos.engine.RollbackLedger.Source;

/**
 * One experiment in progress: the {@link Chaos} handle its test body uses, and the state the
 * extension needs around it (rollbacks it registered, guards, the reason it was skipped).
 */
final class ExperimentRun implements Chaos {
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

  ExperimentRun(String name, ChaosRun run, Duration recoveryTimeout) {
    this.name = name;
    this.run = run;
    this.recoveryTimeout = recoveryTimeout;
    this.evaluator = new HypothesisEvaluator(run.probeReader);
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
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("fault", fault.description());
    data.put("rollback", rollback.description());
    data.put("namespaces", fault.namespaces());
    data.put("dryRun", run.config.dryRun());
    if (run.config.dryRun()) {
      journal(EventType.FAULT_INJECTED, data);
      System.out.println("[chaos dry-run] " + name + ": would inject '" + fault.description() + "', rollback: '"
          + rollback.description() + "'. Nothing was done.");
      skip("dry run: would inject '" + fault.description() + "' (rollback: '" + rollback.description()
          + "'); no action taken", false);
    }
    synchronized (rollbacks) {
      rollbacks.add(run.ledger.register(rollback, name));
    }
    journal(EventType.FAULT_INJECTED, data);
    try {
      fault.act(run.target, rollback);
    } catch (Exception e) {
      throw new FaultException("Fault '" + fault.description() + "' failed while acting: " + e.getMessage()
          + "; its rollback runs now", e);
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
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("guard", guard.name());
    data.put("check", guard.check().describe());
    data.put("reading", result.reading() == null ? null : result.reading().toString());
    data.put("limit", guard.check().tolerance().description());
    if (result.error() != null) {
      data.put("error", result.error().getMessage());
    }
    journal(EventType.GUARD_BREACHED, data);
    rollBack(Source.GUARD_HALT);
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
  List<RollbackFailure> rollBack(Source source) {
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

  /** Ends the experiment as skipped: BLOCKED (capability absent) or ABORTED. */
  void skip(String reason, boolean capabilityAbsent) {
    this.skipReason = reason;
    this.blocked = capabilityAbsent;
    throw new TestAbortedException((capabilityAbsent ? "BLOCKED: " : "ABORTED: ") + reason);
  }

  boolean blocked() {
    return blocked;
  }

  String skipReason() {
    return skipReason;
  }

  void journal(EventType type, Map<String, Object> data) {
    run.journal.record(type, name, data);
  }

  Object parameter(Class<?> type, java.util.function.Function<Chaos, Object> factory) {
    return parameters.computeIfAbsent(type, t -> factory.apply(this));
  }

  @Override
  public void record(Finding finding) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("title", finding.title());
    data.put("statement", finding.statement());
    data.put("evidence", finding.evidence());
    journal(EventType.FINDING, data);
  }

  @Override
  public void record(KeyNumber keyNumber) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", keyNumber.name());
    double value = keyNumber.value();
    data.put("value", Double.isFinite(value) ? (Object) value : String.valueOf(value));
    data.put("unit", keyNumber.unit());
    data.put("note", keyNumber.note());
    journal(EventType.KEY_NUMBER, data);
  }

  @Override
  public void evidence(String evidenceName, String content) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", evidenceName);
    data.put("content", content);
    journal(EventType.EVIDENCE, data);
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
