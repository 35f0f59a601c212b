package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.Objects;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Verdict;

/**
 * The experiment ended: the last event of every experiment that got one.
 *
 * @param at when
 * @param runId the run
 * @param experiment the experiment
 * @param verdict its outcome
 * @param message why: {@code hypothesis held}, the skip reason ({@code BLOCKED: ...},
 *     {@code ABORTED: ...}), or the failure as {@code <exception class>: <message>}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record VerdictReached(Instant at, String runId, String experiment, Verdict verdict, String message)
    implements ChaosEvent {
  public VerdictReached {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(verdict, "verdict");
    message = message == null ? "" : message;
  }
}
