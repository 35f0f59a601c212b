package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Verdict;

/**
 * The run ended, after its outstanding rollbacks. Always the last line of a run that was not killed.
 *
 * @param at when
 * @param runId the run
 * @param experiment always {@code null}: a run-level event
 * @param experiments how many experiments reached a verdict
 * @param verdicts how many reached each verdict, in {@link Verdict} order; verdicts no experiment
 *     reached are left out
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record RunFinished(Instant at, String runId, String experiment, int experiments, Map<Verdict, Integer> verdicts)
    implements ChaosEvent {
  public RunFinished {
    Events.requireRunHeader(at, runId, experiment, "RunFinished");
    EnumMap<Verdict, Integer> ordered = new EnumMap<>(Verdict.class);
    ordered.putAll(verdicts);
    verdicts = Collections.unmodifiableMap(ordered);
  }
}
