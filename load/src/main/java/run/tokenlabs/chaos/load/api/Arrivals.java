package run.tokenlabs.chaos.load.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The arrival process of an open loop: when requests are <em>intended</em> to start, whatever the server
 * or the client does. Latencies are measured from these intended starts, so a slow server cannot hide
 * its queueing by slowing the sender down (no coordinated omission).
 *
 * <p>{@code burstiness} is the shape of the gamma distribution of inter-arrival gaps, as in vLLM's
 * {@code bench serve}: 1 is Poisson, below 1 is burstier, large values approach even spacing. A ramp-up
 * raises the rate linearly from zero to {@code ratePerSecond} over {@code rampUp}; the arrival times are
 * time-warped, so a Poisson process stays a (non-homogeneous) Poisson process. {@code seed} makes the
 * schedule reproducible.
 */
public record Arrivals(Process process, double ratePerSecond, double burstiness, Duration rampUp, long seed) {

  /** The shape of the inter-arrival gaps. */
  public enum Process { CONSTANT, POISSON, GAMMA }

  public Arrivals {
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(rampUp, "rampUp");
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("Arrivals rate must be a finite number > 0 per second, was " + ratePerSecond);
    }
    if (!(burstiness > 0) || Double.isInfinite(burstiness)) {
      throw new IllegalArgumentException("Arrivals burstiness must be a finite number > 0 (1 = Poisson), was " + burstiness);
    }
    if (rampUp.isNegative()) {
      throw new IllegalArgumentException("Arrivals ramp-up must not be negative, was " + rampUp);
    }
  }

  /** Evenly spaced arrivals, {@code 1/rate} apart. */
  public static Arrivals constant(double ratePerSecond) {
    return new Arrivals(Process.CONSTANT, ratePerSecond, 1.0, Duration.ZERO, 1L);
  }

  /** Exponential gaps with mean {@code 1/rate}. */
  public static Arrivals poisson(double ratePerSecond) {
    return new Arrivals(Process.POISSON, ratePerSecond, 1.0, Duration.ZERO, 1L);
  }

  /** Gamma gaps with mean {@code 1/rate} and shape {@code burstiness} (coefficient of variation 1/sqrt(shape)). */
  public static Arrivals gamma(double ratePerSecond, double burstiness) {
    return new Arrivals(Process.GAMMA, ratePerSecond, burstiness, Duration.ZERO, 1L);
  }

  public Arrivals withRampUp(Duration ramp) {
    return new Arrivals(process, ratePerSecond, burstiness, ramp, seed);
  }

  public Arrivals withSeed(long newSeed) {
    return new Arrivals(process, ratePerSecond, burstiness, rampUp, newSeed);
  }
}
