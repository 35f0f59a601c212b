package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.spi.ChaosListener;

/**
 * One event of a run: a line of the journal, and what every {@link ChaosListener} receives.
 *
 * <p>The events form a closed set of records, one per thing that happens in a run. A run's
 * journal starts with {@link RunStarted}, then any {@link RollbackDone} or {@link RollbackFailed}
 * completing what a killed earlier run left pending (or {@link RollbackLeftPending} for one it does
 * not complete), then its experiments, and ends with
 * {@link RunFinished} unless the run was killed. An experiment's events come between its
 * {@link ExperimentStarted} and its {@link VerdictReached}: {@link CapabilityChecked} for each
 * capability it requires, {@link HypothesisChecked} before the fault, for each fault
 * {@link FaultPrepared} and (unless a dry run stopped it) {@link FaultActed}, whatever the body
 * records ({@link FindingRecorded}, {@link KeyNumberRecorded}, {@link EvidenceRecorded}), a
 * {@link GuardBreached} that halted it, each rollback's {@link RollbackDone} or
 * {@link RollbackFailed}, and {@link HypothesisChecked} after the rollback. A rollback that the
 * shutdown hook or the end of the run completes comes later, still naming its experiment. A
 * listener tells the events apart with {@code instanceof}.
 *
 * <h2>The journal line</h2>
 * The journal {@code journal-<runId>.jsonl} holds one JSON object per line (UTF-8), each event as
 * it happened:
 * <pre>
 * {"type":"VerdictReached","schema":2,"at":"2026-11-28T20:00:09.123Z","runId":"20261128-200000-ab12",
 *  "experiment":"LLMD-3 BarePodForceDeleteIT#podAbsenceAlertFires","verdict":"HELD","message":"hypothesis held"}
 * </pre>
 * <ul>
 *   <li>{@code type}: the record's simple name ({@code RunStarted}, {@code FaultActed}, ...);</li>
 *   <li>{@code schema}: the version of this layout, {@value #SCHEMA}; a reader refuses a line of
 *       another version rather than guess;</li>
 *   <li>then every component of the record, by its name, in declaration order: {@code at}
 *       (ISO-8601 UTC), {@code runId}, {@code experiment} ({@code null} for run-level events),
 *       then the event's own fields as documented on each record. A component documented as
 *       nullable is written as {@code null}, never left out.</li>
 * </ul>
 * Numbers that are not finite ({@link KeyNumberRecorded} values) are written as the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} and read back as such: no data is never
 * written or read as 0.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public sealed interface ChaosEvent permits RunStarted, ExperimentStarted, CapabilityChecked, HypothesisChecked,
    FaultPrepared, FaultActed, RollbackDone, RollbackFailed, RollbackLeftPending, GuardBreached, FindingRecorded,
    KeyNumberRecorded, EvidenceRecorded, VerdictReached, RunFinished {

  /** The version of the journal line layout this engine writes and reads. */
  int SCHEMA = 2;

  /** When it happened. */
  Instant at();

  /** The run it belongs to (also in the journal's file name). */
  String runId();

  /**
   * The experiment's name, {@code "<id> <TestClass>#<method>"}, or {@code null} for the run's own
   * events ({@link RunStarted}, {@link RunFinished}).
   */
  String experiment();
}
