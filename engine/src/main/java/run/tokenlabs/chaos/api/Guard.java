package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A check watched while a fault is active. The first breach halts the experiment at once: the
 * rollbacks run immediately, the test thread is interrupted and the verdict is
 * {@link Verdict#DEVIATED} with a message naming the guard, its limit and the value seen. A guard
 * whose probe cannot be asked is a breach too, reported as {@link Verdict#ERROR}.
 *
 * @param name what it protects, e.g. "llama keeps serving"
 * @param check the probe and tolerance
 * @param interval how often to read the probe
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Guard(String name, Check<?> check, Duration interval) {
  public Guard {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("Guard '" + name + "': interval must be positive, was " + interval);
    }
  }

  /** A guard reading {@code check} every {@code interval}. */
  public static Guard watch(String name, Check<?> check, Duration interval) {
    return new Guard(name, check, interval);
  }
}
