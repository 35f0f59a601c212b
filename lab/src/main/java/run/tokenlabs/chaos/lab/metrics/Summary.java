package run.tokenlabs.chaos.lab.metrics;

/**
 * A Prometheus summary without quantiles, as the Python client writes one: {@code _count} and
 * {@code _sum}. Thread-safe.
 */
public final class Summary {
  private final double createdEpochSeconds = Created.now();
  private long count;
  private double sum;

  public synchronized void observe(double value) {
    count++;
    sum += value;
  }

  public synchronized long count() {
    return count;
  }

  public synchronized double sum() {
    return sum;
  }

  /** When this summary was created, in seconds since the epoch. */
  public double createdEpochSeconds() {
    return createdEpochSeconds;
  }

  /** Writes {@code name_count} and {@code name_sum} with the given labels. */
  public void writeTo(TextFormat out, String name, String labels) {
    long c;
    double s;
    synchronized (this) {
      c = count;
      s = sum;
    }
    out.sample(name + "_count", labels, c);
    out.sample(name + "_sum", labels, s);
  }
}
