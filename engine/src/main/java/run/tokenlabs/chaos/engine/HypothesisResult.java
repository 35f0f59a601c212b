package run.tokenlabs.chaos.engine;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.api.Check;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.event.HypothesisChecked;

/**
 * The outcome of checking a hypothesis once: one {@link CheckResult} per check.
 *
 * @param hypothesis the hypothesis' name
 * @param checks every check's result, in order
 */
record HypothesisResult(String hypothesis, List<CheckResult> checks) {

  /** One check: the reading and whether it was within tolerance, or the error that kept it from being read. */
  record CheckResult(Check<?> check, Reading<?> reading, boolean held, ProbeException error) {
    String describe() {
      if (error != null) {
        return check.probe().name() + ": could not be read: " + error.getMessage();
      }
      return check.probe().name() + ": expected " + check.tolerance().description() + ", saw " + reading;
    }

    HypothesisChecked.CheckResult toEvent() {
      return new HypothesisChecked.CheckResult(check.probe().name(), check.tolerance().description(),
          reading == null ? null : reading.toString(), held, error == null ? null : String.valueOf(error.getMessage()));
    }
  }

  boolean held() {
    return checks.stream().allMatch(CheckResult::held);
  }

  /** The first probe that could not be read, if any: then the hypothesis is neither held nor broken. */
  java.util.Optional<ProbeException> firstError() {
    return checks.stream().map(CheckResult::error).filter(e -> e != null).findFirst();
  }

  /** The checks that did not hold, as "probe: expected X, saw Y; ...". */
  String describeFailures() {
    return checks.stream().filter(c -> !c.held()).map(CheckResult::describe).collect(Collectors.joining("; "));
  }

  /** The journal's view of it: what each check read and whether it held. */
  HypothesisChecked toEvent(Instant at, String runId, String experiment, HypothesisChecked.Phase phase) {
    return new HypothesisChecked(at, runId, experiment, phase, hypothesis, held(),
        checks.stream().map(CheckResult::toEvent).toList());
  }
}
