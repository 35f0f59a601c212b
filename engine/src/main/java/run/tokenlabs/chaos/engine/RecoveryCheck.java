package run.tokenlabs.chaos.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.event.HypothesisChecked.Phase;

/**
 * Step 7 of the lifecycle: after rollback, the steady state is polled until it holds or the
 * recovery timeout passes. Probe errors while the target comes back are retried; an error still
 * there at the end is ERROR, a check still failing is DEVIATED.
 */
final class RecoveryCheck {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  private final ExperimentRun exp;
  private final Hypothesis hypothesis;

  RecoveryCheck(ExperimentRun exp, Hypothesis hypothesis) {
    this.exp = exp;
    this.hypothesis = hypothesis;
  }

  void awaitHeld() {
    AtomicReference<HypothesisResult> last = new AtomicReference<>();
    Duration timeout = exp.recoveryTimeout();
    try {
      Awaitility.await("steady state '" + hypothesis.name() + "' after rollback")
          .atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL_INTERVAL).pollInSameThread()
          .until(() -> {
            HypothesisResult result = exp.evaluator.evaluate(hypothesis);
            last.set(result);
            return result.held();
          });
      exp.journalHypothesis(Phase.AFTER, last.get());
    } catch (ConditionTimeoutException e) {
      HypothesisResult result = last.get();
      if (result == null) {
        throw new ProbeException("Steady state '" + hypothesis.name() + "' could not be read once within the recovery "
            + "timeout of " + timeout.toSeconds() + " s", e);
      }
      exp.journalHypothesis(Phase.AFTER, result);
      result.firstError().ifPresent(error -> {
        throw new ProbeException("Steady state '" + hypothesis.name() + "' could not be checked after rollback: "
            + error.getMessage(), error);
      });
      throw new AssertionError("Steady state '" + hypothesis.name() + "' did not recover within "
          + timeout.toSeconds() + " s after rollback: " + result.describeFailures());
    }
  }
}
