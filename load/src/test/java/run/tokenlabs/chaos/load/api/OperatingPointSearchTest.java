package run.tokenlabs.chaos.load.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The search strategy on a server whose capacity is known: growth, then bisection, then the stopping rule. */
class OperatingPointSearchTest {
  private static final PercentileSlo SLO = PercentileSlo.p95(Duration.ofMillis(500), Duration.ofMillis(50));

  /** A server that meets the objective below {@code capacity} req/s and misses at or above it. */
  private static OperatingPointSearch against(double capacity) {
    return OperatingPointSearch.withProber(SLO, rate -> new OperatingPoint.Probe(rate, 10, 1, rate < capacity ? 100 : 900,
        10, rate < capacity ? rate : 0, rate < capacity));
  }

  @Test
  void growsExponentiallyThenBisectsToTheTolerance() {
    OperatingPoint point = against(37).run();

    // 1, 2, 4, ..., 32 meet; 64 misses; then geometric midpoints until within 10 %
    assertThat(point.probes()).extracting(OperatingPoint.Probe::rate).startsWith(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0);
    assertThat(point.probes().get(7).rate()).isCloseTo(Math.sqrt(32 * 64), org.assertj.core.data.Offset.offset(1e-9));
    double chosen = point.rate().orElseThrow();
    double above = point.firstAbove().orElseThrow().rate();
    assertThat(chosen).isLessThan(37).isGreaterThan(37 / 1.1);
    assertThat(above).isGreaterThanOrEqualTo(37).isLessThanOrEqualTo(chosen * 1.1);
    assertThat(point.chosen().orElseThrow().meets()).isTrue();
    assertThat(point.firstAbove().orElseThrow().meets()).isFalse();
  }

  @Test
  void stopsAtTheCeilingWhenEveryRateMeets() {
    OperatingPoint point = against(1e9).startingAt(5).upTo(30).run();

    assertThat(point.probes()).extracting(OperatingPoint.Probe::rate).containsExactly(5.0, 10.0, 20.0, 30.0);
    assertThat(point.rate()).hasValue(30.0);
    assertThat(point.firstAbove()).isEmpty();
  }

  @Test
  void noOperatingPointWhenTheLowestRateMisses() {
    OperatingPoint point = against(0.5).run();

    assertThat(point.probes()).hasSize(1);
    assertThat(point.chosen()).isEmpty();
    assertThat(point.firstAbove().orElseThrow().rate()).isEqualTo(1.0);
    assertThat(point.toString()).contains("none");
  }

  @Test
  void theProbeBudgetBoundsTheSearch() {
    OperatingPoint point = against(37).within(1e-6).atMostProbes(9).run();

    assertThat(point.probes()).hasSize(9);
    assertThat(point.rate().orElseThrow()).isLessThan(37);
  }
}
