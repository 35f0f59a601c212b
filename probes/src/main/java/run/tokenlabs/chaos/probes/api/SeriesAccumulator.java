package run.tokenlabs.chaos.probes.api;

import java.time.Instant;

/**
 * Running min/max/mean of one series in one phase: constant memory whatever the run's length.
 * Written by one scrape thread, read by others; synchronized because both sides are rare
 * compared to the cost of a scrape.
 */
final class SeriesAccumulator {
  private final String target;
  private final String series;
  private final String phase;
  private long count;
  private long finiteCount;
  private double min = Double.NaN;
  private double max = Double.NaN;
  private double sum;
  private Instant peakAt;
  private Instant first;
  private Instant last;

  SeriesAccumulator(String target, String series, String phase) {
    this.target = target;
    this.series = series;
    this.phase = phase;
  }

  synchronized void add(double value, Instant at) {
    count++;
    if (first == null) {
      first = at;
    }
    last = at;
    if (Double.isNaN(value)) {
      return;
    }
    finiteCount++;
    sum += value;
    if (Double.isNaN(min) || value < min) {
      min = value;
    }
    if (Double.isNaN(max) || value > max) {
      max = value;
      peakAt = at;
    }
  }

  synchronized SeriesStats snapshot() {
    return new SeriesStats(target, series, phase, count, min, max, finiteCount == 0 ? Double.NaN : sum / finiteCount,
        peakAt, first, last);
  }
}
