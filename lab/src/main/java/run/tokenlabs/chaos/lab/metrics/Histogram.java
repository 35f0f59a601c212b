package run.tokenlabs.chaos.lab.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * A Prometheus histogram with fixed upper bounds: cumulative bucket counts, sum and count.
 * Thread-safe; observations are in the unit of the bounds (seconds for latency, tokens for sizes).
 * It remembers when it was created, which the Python client exposes as {@code <name>_created}.
 */
public final class Histogram {
  private final double createdEpochSeconds = Created.now();
  private final double[] bounds;
  private final long[] counts;
  private double sum;
  private long count;

  public Histogram(List<Double> bounds) {
    this.bounds = bounds.stream().mapToDouble(Double::doubleValue).toArray();
    for (int i = 1; i < this.bounds.length; i++) {
      if (this.bounds[i] <= this.bounds[i - 1]) {
        throw new IllegalArgumentException("histogram bounds must increase; saw " + bounds);
      }
    }
    this.counts = new long[this.bounds.length];
  }

  public synchronized void observe(double value) {
    for (int i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        counts[i]++;
      }
    }
    sum += value;
    count++;
  }

  public synchronized long count() {
    return count;
  }

  public synchronized double sum() {
    return sum;
  }

  /** When this histogram was created, in seconds since the epoch. */
  public double createdEpochSeconds() {
    return createdEpochSeconds;
  }

  /** Upper bounds without +Inf, as configured. */
  public double[] bounds() {
    return bounds.clone();
  }

  /** Writes {@code name_bucket}, {@code name_sum} and {@code name_count} lines with the given labels. */
  public void writeTo(TextFormat out, String name, String labels) {
    long[] snapshot;
    double snapSum;
    long snapCount;
    synchronized (this) {
      snapshot = Arrays.copyOf(counts, counts.length);
      snapSum = sum;
      snapCount = count;
    }
    for (int i = 0; i < bounds.length; i++) {
      out.sample(name + "_bucket", TextFormat.join(labels, "le=\"" + TextFormat.number(bounds[i]) + "\""), snapshot[i]);
    }
    out.sample(name + "_bucket", TextFormat.join(labels, "le=\"+Inf\""), snapCount);
    out.sample(name + "_sum", labels, snapSum);
    out.sample(name + "_count", labels, snapCount);
  }
}
