package run.tokenlabs.chaos.lab.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A monotonically increasing count, thread-safe. It remembers when it was created, which the
 * Prometheus Python client exposes as a {@code <name>_created} series.
 */
public final class Counter {
  private final LongAdder value = new LongAdder();
  private final double createdEpochSeconds = Created.now();

  public void increment() {
    value.increment();
  }

  public void add(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a counter only grows; saw add(" + n + ")");
    }
    value.add(n);
  }

  public long get() {
    return value.sum();
  }

  /** When this counter was created, in seconds since the epoch. */
  public double createdEpochSeconds() {
    return createdEpochSeconds;
  }
}
