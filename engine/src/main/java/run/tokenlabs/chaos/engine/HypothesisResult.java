package run.tokenlabs.chaos.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.api.Check;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;

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

    Map<String, Object> toJournal() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("probe", check.probe().name());
      map.put("tolerance", check.tolerance().description());
      map.put("reading", reading == null ? null : reading.toString());
      map.put("held", held);
      if (error != null) {
        map.put("error", error.getMessage());
      }
      return map;
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

  List<Map<String, Object>> toJournal() {
    return checks.stream().map(CheckResult::toJournal).toList();
  }
}
