package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AnalysisTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

  static RangeSeries series(long offsetMillis, double... values) {
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      points.add(new Point(T0.plusMillis(i * 15_000L + offsetMillis), values[i]));
    }
    return new RangeSeries(Map.of(), points);
  }

  @Test
  @DisplayName("align pairs points within the tolerance and counts NaN and unmatched ones")
  void align() {
    RangeSeries kv = series(0, 0.1, 0.2, Double.NaN, 0.4, 0.5);
    RangeSeries ttft = series(400, 1, 2, 3, 4);

    Analysis.AlignedPairs pairs = Analysis.align(kv, ttft, Duration.ofSeconds(1));

    assertThat(pairs.x()).containsExactly(0.1, 0.2, 0.4);
    assertThat(pairs.y()).containsExactly(1.0, 2.0, 4.0);
    assertThat(pairs.droppedNaN()).isEqualTo(1);
    assertThat(pairs.unmatched()).isEqualTo(1);
    assertThat(Analysis.align(kv, ttft, Duration.ofMillis(100)).n()).isZero();
  }

  @Test
  @DisplayName("Pearson and Spearman with p-values: a monotone non-linear chain vs noise")
  void correlation() {
    double[] x = new double[30];
    double[] y = new double[30];
    Random random = new Random(7);
    for (int i = 0; i < 30; i++) {
      x[i] = i;
      y[i] = Math.exp(i / 5.0);
    }
    Analysis.Correlation strong = Analysis.correlate(new Analysis.AlignedPairs(x, y, List.of(), 0, 0));
    assertThat(strong.n()).isEqualTo(30);
    assertThat(strong.spearman()).isCloseTo(1.0, within(1e-12));
    assertThat(strong.spearmanP()).isZero();
    assertThat(strong.pearson()).isBetween(0.7, 0.95);
    assertThat(strong.pearsonP()).isLessThan(1e-4);

    double[] noise = random.doubles(30).toArray();
    Analysis.Correlation none = Analysis.correlate(new Analysis.AlignedPairs(x, noise, List.of(), 0, 0));
    assertThat(none.pearsonP()).isGreaterThan(0.01);

    // r = 0.5 with n = 12: t = 0.5 * sqrt(10 / 0.75) = 1.8257, two-sided p = 0.0980 (t table, 10 df)
    assertThat(Analysis.pValue(0.5, 12)).isCloseTo(0.0980, within(5e-4));
    assertThatThrownBy(() -> Analysis.correlate(new Analysis.AlignedPairs(new double[2], new double[2], List.of(), 1, 0)))
        .hasMessageContaining("at least 3 aligned pairs, got 2");
  }

  @Test
  void nanThroughoutIsDetected() {
    assertThat(Analysis.nanThroughout(series(0, Double.NaN, Double.NaN))).isTrue();
    assertThat(Analysis.nanThroughout(series(0, Double.NaN, 0))).isFalse();
    assertThat(Analysis.nanThroughout(series(0))).isFalse();
  }

  @Test
  @DisplayName("two latency samples: a shifted tail is significant and its p95 difference interval excludes 0")
  void distributionComparison() {
    Random random = new Random(42);
    double[] baseline = new double[200];
    double[] chunked = new double[200];
    double[] same = new double[200];
    for (int i = 0; i < 200; i++) {
      baseline[i] = 0.4 + random.nextDouble() * 0.2 + (i % 10 == 0 ? 4 : 0);
      chunked[i] = 0.3 + random.nextDouble() * 0.2;
      same[i] = 0.4 + random.nextDouble() * 0.2 + (i % 10 == 0 ? 4 : 0);
    }

    Analysis.DistributionComparison better = Analysis.compare(baseline, chunked, 1000, 1, 0.95);
    assertThat(better.p95Difference()).isLessThan(-3);
    assertThat(better.ciHigh()).isLessThan(0);
    assertThat(better.ciLow()).isLessThanOrEqualTo(better.p95Difference());
    assertThat(better.pValue()).isLessThan(0.01);

    Analysis.DistributionComparison noChange = Analysis.compare(baseline, same, 1000, 1, 0.95);
    assertThat(noChange.ciLow()).isLessThan(0);
    assertThat(noChange.ciHigh()).isGreaterThan(0);
    assertThat(noChange.pValue()).isGreaterThan(0.05);
    assertThat(Analysis.compare(baseline, chunked, 1000, 1, 0.95)).isEqualTo(better);
  }

  @Test
  void p95InterpolatesLikeNumpy() {
    double[] values = new double[101];
    for (int i = 0; i <= 100; i++) {
      values[i] = i;
    }
    assertThat(Analysis.p95(values)).isEqualTo(95.0);
    assertThat(Analysis.p95(new double[] {1, 2, 3, 4})).isCloseTo(3.85, within(1e-12));
  }
}
