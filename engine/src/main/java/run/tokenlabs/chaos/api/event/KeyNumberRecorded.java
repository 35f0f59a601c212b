package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.Objects;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.KeyNumber;

/**
 * The experiment recorded a key number ({@link Chaos#record(KeyNumber)}). In the journal line it
 * is an object, {@code "keyNumber":{"name":..,"value":..,"unit":..,"note":..}}, whose value is a
 * JSON number when finite and the string {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"}
 * otherwise: no data stays no data, never 0.
 *
 * @param at when
 * @param runId the run
 * @param experiment the experiment
 * @param keyNumber the figure
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record KeyNumberRecorded(Instant at, String runId, String experiment, KeyNumber keyNumber)
    implements ChaosEvent {
  public KeyNumberRecorded {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(keyNumber, "keyNumber");
  }
}
