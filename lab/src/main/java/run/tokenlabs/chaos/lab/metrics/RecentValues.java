package run.tokenlabs.chaos.lab.metrics;

import java.util.Arrays;

/**
 * The last {@code capacity} values recorded, exactly (a histogram's buckets are too coarse to say
 * what a median of a few milliseconds is). Thread-safe; recording is O(1).
 */
public final class RecentValues {
  private final long[] values;
  private long recorded;

  public RecentValues(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, saw " + capacity);
    }
    this.values = new long[capacity];
  }

  public synchronized void record(long value) {
    values[(int) (recorded % values.length)] = value;
    recorded++;
  }

  /** How many values were ever recorded (a mark for {@link #since}). */
  public synchronized long recorded() {
    return recorded;
  }

  /**
   * The values recorded after {@code mark} (an earlier {@link #recorded()}), oldest first; at most
   * the last {@code capacity} of them.
   */
  public synchronized long[] since(long mark) {
    long from = Math.max(mark, recorded - values.length);
    long[] out = new long[(int) (recorded - from)];
    for (long i = from; i < recorded; i++) {
      out[(int) (i - from)] = values[(int) (i % values.length)];
    }
    return out;
  }

  /** The median of the values since {@code mark}, or NaN if there are none. */
  public double medianSince(long mark) {
    long[] v = since(mark);
    if (v.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
  }
}
