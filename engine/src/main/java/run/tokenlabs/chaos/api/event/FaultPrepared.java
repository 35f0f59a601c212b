package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A fault was prepared: the target was read, nothing changed, and its rollback is known. Outside a
 * dry run the rollback is on disk before the fault acts ({@link FaultActed}); in a dry run this is
 * the last event of the experiment before its verdict ABORTED. In a dry run an action on the target
 * that is not a fault (a load, a probe that writes, announced through
 * {@link run.tokenlabs.chaos.api.TargetActions}) is journaled the same way, its plan as the fault,
 * no namespaces and a rollback that says there is nothing to undo.
 *
 * @param at when
 * @param runId the run
 * @param experiment the experiment
 * @param fault what the fault does
 * @param rollback what its rollback does
 * @param namespaces the namespaces it acts in
 * @param dryRun whether the run only describes faults; then it is never acted on
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record FaultPrepared(Instant at, String runId, String experiment, String fault, String rollback,
                            List<String> namespaces, boolean dryRun) implements ChaosEvent {
  public FaultPrepared {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(fault, "fault");
    Objects.requireNonNull(rollback, "rollback");
    namespaces = List.copyOf(namespaces);
  }
}
