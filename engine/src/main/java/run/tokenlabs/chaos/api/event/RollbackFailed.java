package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A fault's rollback failed: the target may still be broken. The rollback stays in the pending-
 * rollback file and the next run completes it before anything else.
 *
 * @param at when it failed
 * @param runId the run
 * @param experiment the experiment that registered it (also when the shutdown hook or the end of the
 *     run ran it); {@code recovery of run <runId>} for a rollback a killed earlier run left pending
 * @param rollback what the rollback does
 * @param kind the rollback handler's kind
 * @param state the names of the state fields the handler was given (never their values)
 * @param source where it was run from
 * @param error what the handler threw
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record RollbackFailed(Instant at, String runId, String experiment, String rollback, String kind,
                             List<String> state, RollbackSource source, String error) implements ChaosEvent {
  public RollbackFailed {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(rollback, "rollback");
    Objects.requireNonNull(kind, "kind");
    state = List.copyOf(state);
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(error, "error");
  }
}
