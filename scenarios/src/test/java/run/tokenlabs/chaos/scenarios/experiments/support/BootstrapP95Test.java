package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The bootstrap p-value of a p95 difference, as the chunked-prefill A/B uses it. */
class BootstrapP95Test {
  @Test
  @DisplayName("a tail that falls from 5 s to 1 s is significant although the medians are alike")
  void tailShift() {
    SplittableRandom random = new SplittableRandom(1);
    double[] off = sample(random, 200, 0.6, 0.2, 5.0);
    double[] on = sample(random, 200, 0.6, 0.0, 5.0);

    assertThat(BootstrapP95.pValue(off, on, 2000, 7)).isLessThan(0.01);
  }

  @Test
  @DisplayName("two samples of one distribution give a large p-value, never exactly 0 or above 1")
  void noShift() {
    SplittableRandom random = new SplittableRandom(2);
    double[] a = sample(random, 200, 0.6, 0.1, 5.0);
    double[] b = sample(random, 200, 0.6, 0.1, 5.0);

    assertThat(BootstrapP95.pValue(a, b, 2000, 7)).isGreaterThan(0.05).isLessThanOrEqualTo(1.0);
    assertThat(BootstrapP95.pValue(a, a, 200, 7)).isPositive().isLessThanOrEqualTo(1.0);
  }

  /** {@code n} latencies around {@code median}, a share {@code blocked} of them {@code blockedBy} later. */
  private double[] sample(SplittableRandom random, int n, double median, double blocked, double blockedBy) {
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double v = median * (0.8 + 0.4 * random.nextDouble());
      values.add(random.nextDouble() < blocked ? v + blockedBy * random.nextDouble() + 1 : v);
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
