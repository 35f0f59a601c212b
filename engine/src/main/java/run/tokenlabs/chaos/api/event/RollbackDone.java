package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A fault's rollback completed: the target is restored as far as its handler can tell.
 *
 * @param at when it completed
 * @param runId the run
 * @param experiment the experiment that registered it (also when the shutdown hook or the end of the
 *     run ran it); {@code recovery of run <runId>} for a rollback a killed earlier run left pending
 * @param rollback what the rollback does
 * @param kind the rollback handler's kind
 * @param state the names of the state fields the handler was given (never their values: they may
 *     be large manifests)
 * @param source where it was run from
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record RollbackDone(Instant at, String runId, String experiment, String rollback, String kind,
                           List<String> state, RollbackSource source) implements ChaosEvent {
  public RollbackDone {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(rollback, "rollback");
    Objects.requireNonNull(kind, "kind");
    state = List.copyOf(state);
    Objects.requireNonNull(source, "source");
  }
}
