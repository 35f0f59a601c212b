package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A rollback that a killed earlier run left pending, which this run found and did not complete: a
 * dry run lists every one it would complete and replays none; a run against another target leaves
 * that target's rollbacks for a run against it. The rollback stays in its file.
 *
 * @param at when this run found it
 * @param runId this run
 * @param experiment {@code recovery of run <runId>}, naming the run that left it
 * @param rollback what the rollback does
 * @param kind the rollback's kind
 * @param location the pending-rollback file and line that hold it ({@code <file> line <n>})
 * @param reason why it was not completed, e.g. {@code dry run: would complete it; nothing was done}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record RollbackLeftPending(Instant at, String runId, String experiment, String rollback, String kind,
                                  String location, String reason) implements ChaosEvent {
  public RollbackLeftPending {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(rollback, "rollback");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(reason, "reason");
  }
}
