package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A prepared fault has acted on the target: from here on the target is broken until its rollback.
 * A fault that failed while acting journals no such event; its rollback runs all the same.
 *
 * @param at when the fault had acted
 * @param runId the run
 * @param experiment the experiment
 * @param fault what the fault did, as in its {@link FaultPrepared}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record FaultActed(Instant at, String runId, String experiment, String fault) implements ChaosEvent {
  public FaultActed {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(fault, "fault");
  }
}
