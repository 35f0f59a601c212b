package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Arrivals;

/** Statistical checks of the arrival processes, with fixed seeds (so they are deterministic). */
class ArrivalScheduleTest {
  private static final int N = 20_000;

  @Test
  void constantArrivalsAreEvenlySpaced() {
    var schedule = new ArrivalSchedule(Arrivals.constant(40));

    for (int k = 0; k < 100; k++) {
      assertThat(schedule.nextOffsetNanos()).isEqualTo(k * 25_000_000L);
    }
  }

  @Test
  @DisplayName("Poisson: mean gap 1/rate, coefficient of variation 1, counts per window with dispersion 1")
  void poisson() {
    double[] gaps = gaps(Arrivals.poisson(50).withSeed(11));

    assertThat(mean(gaps)).isCloseTo(0.02, within(0.0004));
    assertThat(cv(gaps)).isCloseTo(1.0, within(0.03));
    double[] counts = countsPerSecond(Arrivals.poisson(50).withSeed(12), 400);
    assertThat(variance(counts) / mean(counts)).isCloseTo(1.0, within(0.2));
  }

  @Test
  @DisplayName("gamma: mean gap 1/rate whatever the burstiness; CV is 1/sqrt(burstiness)")
  void gamma() {
    double[] even = gaps(Arrivals.gamma(50, 4).withSeed(3));
    double[] bursty = gaps(Arrivals.gamma(50, 0.25).withSeed(4));

    assertThat(mean(even)).isCloseTo(0.02, within(0.0004));
    assertThat(cv(even)).isCloseTo(0.5, within(0.02));
    assertThat(mean(bursty)).isCloseTo(0.02, within(0.0012));
    assertThat(cv(bursty)).isCloseTo(2.0, within(0.12));
    double[] poissonLike = gaps(Arrivals.gamma(50, 1).withSeed(5));
    assertThat(cv(poissonLike)).isCloseTo(1.0, within(0.03));
  }

  @Test
  @DisplayName("ramp-up: the rate rises linearly, so the first half of the ramp gets a quarter of its arrivals")
  void rampUp() {
    var schedule = new ArrivalSchedule(Arrivals.poisson(100).withRampUp(Duration.ofSeconds(10)).withSeed(9));
    int firstHalf = 0;
    int secondHalf = 0;
    int afterRamp = 0;
    long t;
    while ((t = schedule.nextOffsetNanos()) < 20_000_000_000L) {
      if (t < 5_000_000_000L) {
        firstHalf++;
      } else if (t < 10_000_000_000L) {
        secondHalf++;
      } else {
        afterRamp++;
      }
    }
    // expected: 125 in [0,5 s), 375 in [5,10 s), 1000 in [10,20 s)
    assertThat(firstHalf).isBetween(95, 155);
    assertThat(secondHalf).isBetween(320, 430);
    assertThat(afterRamp).isBetween(910, 1090);
  }

  @Test
  void sameSeedSameScheduleOtherSeedOther() {
    var a = new ArrivalSchedule(Arrivals.poisson(10).withSeed(1));
    var b = new ArrivalSchedule(Arrivals.poisson(10).withSeed(1));
    var c = new ArrivalSchedule(Arrivals.poisson(10).withSeed(2));
    boolean differs = false;
    for (int i = 0; i < 50; i++) {
      long x = a.nextOffsetNanos();
      assertThat(b.nextOffsetNanos()).isEqualTo(x);
      differs |= c.nextOffsetNanos() != x;
    }
    assertThat(differs).isTrue();
  }

  private static double[] gaps(Arrivals arrivals) {
    var schedule = new ArrivalSchedule(arrivals);
    long previous = schedule.nextOffsetNanos();
    assertThat(previous).isZero();
    double[] gaps = new double[N];
    for (int i = 0; i < N; i++) {
      long t = schedule.nextOffsetNanos();
      assertThat(t).isGreaterThanOrEqualTo(previous);
      gaps[i] = (t - previous) / 1e9;
      previous = t;
    }
    return gaps;
  }

  private static double[] countsPerSecond(Arrivals arrivals, int seconds) {
    var schedule = new ArrivalSchedule(arrivals);
    double[] counts = new double[seconds];
    long t;
    while ((t = schedule.nextOffsetNanos()) < seconds * 1_000_000_000L) {
      counts[(int) (t / 1_000_000_000L)]++;
    }
    return counts;
  }

  private static double mean(double[] xs) {
    double s = 0;
    for (double x : xs) {
      s += x;
    }
    return s / xs.length;
  }

  private static double variance(double[] xs) {
    double m = mean(xs);
    double s = 0;
    for (double x : xs) {
      s += (x - m) * (x - m);
    }
    return s / (xs.length - 1);
  }

  private static double cv(double[] xs) {
    return Math.sqrt(variance(xs)) / mean(xs);
  }
}
