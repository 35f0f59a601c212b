package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.Objects;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Chaos;

/**
 * The experiment journaled a piece of evidence ({@link Chaos#evidence(String, String)}): a PromQL
 * query and its result, a percentile table.
 *
 * @param at when
 * @param runId the run
 * @param experiment the experiment
 * @param name what it is
 * @param content the evidence itself, as text
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record EvidenceRecorded(Instant at, String runId, String experiment, String name, String content)
    implements ChaosEvent {
  public EvidenceRecorded {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(name, "name");
    content = content == null ? "" : content;
  }
}
