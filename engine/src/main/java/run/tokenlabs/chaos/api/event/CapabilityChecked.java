package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A capability the experiment requires was asked of the target. An absent one is followed by the
 * verdict BLOCKED; a capability that could not be asked journals no such event, only the verdict
 * ERROR.
 *
 * @param at when
 * @param runId the run
 * @param experiment the experiment
 * @param capability the capability's name, e.g. {@code NVLink metrics}
 * @param present whether the target has it
 * @param reason the target's evidence, shown as the skip reason when absent
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record CapabilityChecked(Instant at, String runId, String experiment, String capability, boolean present,
                                String reason) implements ChaosEvent {
  public CapabilityChecked {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(capability, "capability");
    reason = reason == null ? "" : reason;
  }
}
