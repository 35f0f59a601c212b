package run.tokenlabs.chaos.api.spi;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One journal line, also delivered to every {@link ChaosListener}.
 *
 * <p>Schema of a journal line (JSON object, one per line, UTF-8):
 * <pre>
 * {"type": "&lt;EventType&gt;", "at": "2026-11-28T20:00:00.123Z", "runId": "20261128-200000-ab12",
 *  "experiment": "LLMD-3 / PodForceDeleteIT#podAbsenceAlertFires" | null, "data": { ... }}
 * </pre>
 * The keys of {@code data} per type are documented on {@link EventType}.
 *
 * @param type what happened
 * @param at when
 * @param runId the run
 * @param experiment the experiment's display id, or {@code null} for run-level events
 * @param data the event's fields, in insertion order
 */
public record ChaosEvent(EventType type, Instant at, String runId, String experiment, Map<String, Object> data) {
  public ChaosEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(runId, "runId");
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /** The kinds of event, with the {@code data} keys each carries. */
  public enum EventType {
    /** data: target, profile, dryRun, allowedNamespaces, journal (absolute path), pendingRollbacks (absolute path). */
    RUN_STARTED,
    /** data: id, title, className, method, uniqueId (JUnit's), recoveryTimeoutSeconds. */
    EXPERIMENT_STARTED,
    /** data: capability, present, reason. */
    CAPABILITY_CHECKED,
    /** data: phase (before|after), hypothesis, held, checks: [{probe, tolerance, reading, held, error?}]. */
    HYPOTHESIS_CHECKED,
    /** data: fault, rollback, namespaces, dryRun. In dry run the fault was not acted on. */
    FAULT_INJECTED,
    /**
     * data: rollback, kind, state (its keys only: values may be large manifests), source
     * (experiment|guard-halt|shutdown-hook|end-of-run|recovered-from-crash), outcome (done|failed), error?.
     */
    ROLLBACK_DONE,
    /** data: guard, check, reading, limit, error?. */
    GUARD_BREACHED,
    /** data: title, statement, evidence. */
    FINDING,
    /** data: name, value, unit, note. */
    KEY_NUMBER,
    /** data: name, content. */
    EVIDENCE,
    /** data: verdict, message. */
    VERDICT,
    /** data: experiments (count), verdicts (verdict to count). */
    RUN_FINISHED
  }
}
