package run.tokenlabs.chaos.load;

import java.util.SplittableRandom;
import run.tokenlabs.chaos.load.api.Arrivals;

/**
 * The intended start times of an open loop, in nanoseconds from time zero, strictly from the
 * {@link Arrivals}: the first at zero, then gaps that are constant, exponential or gamma-distributed
 * with mean {@code 1/rate}. A linear ramp-up over R seconds is applied as a time change: with the
 * cumulative rate {@code L(t) = rate t^2 / 2R} for {@code t < R}, an arrival at {@code s} in the
 * full-rate process lands at {@code t = sqrt(2 R s)} (or {@code s + R/2} after the ramp), which keeps
 * a Poisson process Poisson.
 */
final class ArrivalSchedule {
  private final Arrivals arrivals;
  private final SplittableRandom random;
  private final double rampSeconds;
  private double fullRateSeconds = -1;

  ArrivalSchedule(Arrivals arrivals) {
    this.arrivals = arrivals;
    this.random = new SplittableRandom(arrivals.seed());
    this.rampSeconds = arrivals.rampUp().toNanos() / 1e9;
  }

  /** The next intended start, nanoseconds from time zero; non-decreasing. */
  long nextOffsetNanos() {
    fullRateSeconds = fullRateSeconds < 0 ? 0 : fullRateSeconds + nextGapSeconds();
    return Math.round(warp(fullRateSeconds) * 1e9);
  }

  private double nextGapSeconds() {
    double rate = arrivals.ratePerSecond();
    return switch (arrivals.process()) {
      case CONSTANT -> 1 / rate;
      case POISSON -> random.nextExponential() / rate;
      case GAMMA -> gamma(arrivals.burstiness()) / (arrivals.burstiness() * rate);
    };
  }

  private double warp(double s) {
    if (rampSeconds <= 0) {
      return s;
    }
    return s < rampSeconds / 2 ? Math.sqrt(2 * rampSeconds * s) : s + rampSeconds / 2;
  }

  /** A Gamma(shape, 1) variate, Marsaglia and Tsang's method (boosted for shape < 1). */
  private double gamma(double shape) {
    if (shape < 1) {
      return gamma(shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = random.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = random.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }
}
