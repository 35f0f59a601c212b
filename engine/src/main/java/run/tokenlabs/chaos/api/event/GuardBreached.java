package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A guard tripped while a fault was active: its rollbacks run at once and the experiment ends
 * DEVIATED (reading out of its limit) or ERROR (probe could not be asked).
 *
 * @param at when
 * @param runId the run
 * @param experiment the experiment
 * @param guard the guard's name
 * @param check the probe and tolerance it watched, e.g. {@code gateway 5xx ratio <= 0.05}
 * @param reading the reading that breached, or {@code null} when the probe could not be asked
 * @param limit the tolerance's description, e.g. {@code <= 0.05}
 * @param error why the probe could not be asked, or {@code null}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record GuardBreached(Instant at, String runId, String experiment, String guard, String check, String reading,
                            String limit, String error) implements ChaosEvent {
  public GuardBreached {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(guard, "guard");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(limit, "limit");
  }
}
