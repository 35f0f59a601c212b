package run.tokenlabs.chaos.lab.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count, thread-safe. */
public final class Counter {
  private final LongAdder value = new LongAdder();

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
}
