package run.tokenlabs.chaos.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import run.tokenlabs.chaos.api.Check;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.Tolerance;
import run.tokenlabs.chaos.engine.HypothesisResult.CheckResult;

/**
 * Checks a hypothesis against the target. The first successful reading of each check is kept as
 * its baseline, which {@link Tolerance#withinPercentOfBaseline(double)} compares later readings with.
 */
final class HypothesisEvaluator {
  private final ProbeReader reader;
  private final Map<Check<?>, Reading<?>> baselines = new IdentityHashMap<>();

  HypothesisEvaluator(ProbeReader reader) {
    this.reader = reader;
  }

  HypothesisResult evaluate(Hypothesis hypothesis) {
    List<CheckResult> results = new ArrayList<>();
    for (Check<?> check : hypothesis.checks()) {
      results.add(evaluate(check));
    }
    return new HypothesisResult(hypothesis.name(), results);
  }

  CheckResult evaluate(Check<?> check) {
    try {
      return judge(check);
    } catch (ProbeException e) {
      return new CheckResult(check, null, false, e);
    }
  }

  @SuppressWarnings("unchecked")
  private <T> CheckResult judge(Check<T> check) {
    Reading<T> reading = reader.read(check.probe());
    Reading<T> baseline = (Reading<T>) baselines.get(check);
    boolean held = ((Tolerance<T>) check.tolerance()).accepts(reading, baseline);
    if (baseline == null) {
      baselines.put(check, reading);
    }
    return new CheckResult(check, reading, held, null);
  }
}
