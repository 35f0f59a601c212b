package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.Objects;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.Finding;

/**
 * The experiment recorded a finding ({@link Chaos#record(Finding)}). In the journal line the
 * finding is an object: {@code "finding":{"title":..,"statement":..,"evidence":..}}.
 *
 * @param at when
 * @param runId the run
 * @param experiment the experiment
 * @param finding what was found
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record FindingRecorded(Instant at, String runId, String experiment, Finding finding) implements ChaosEvent {
  public FindingRecorded {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(finding, "finding");
  }
}
