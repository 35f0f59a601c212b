package run.tokenlabs.chaos.probes.prometheus;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard to try before a question to Prometheus becomes an ERROR: at most {@code maxAttempts}
 * attempts, waiting {@code firstBackoff} (doubling) between them, all within {@code deadline}.
 *
 * @param maxAttempts attempts in total, at least 1
 * @param firstBackoff the pause after the first failure
 * @param deadline the whole budget, attempts and pauses included (the engine's probe timeout)
 */
public record RetryPolicy(int maxAttempts, Duration firstBackoff, Duration deadline) {
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
    }
    Objects.requireNonNull(firstBackoff, "firstBackoff");
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
  }

  /** Three attempts, 250 ms then 500 ms apart, within {@code deadline}. */
  public static RetryPolicy within(Duration deadline) {
    return new RetryPolicy(3, Duration.ofMillis(250), deadline);
  }

  Duration backoffAfter(int failedAttempts) {
    return firstBackoff.multipliedBy(1L << Math.min(failedAttempts - 1, 10));
  }
}
