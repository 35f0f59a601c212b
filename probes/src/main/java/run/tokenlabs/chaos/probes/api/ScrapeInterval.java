package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The scrape interval a Prometheus really uses, measured rather than read from its configuration,
 * so steps and rate windows fit a 1 s lab and a 15 s cluster alike: per series of {@code up}, the
 * median spacing of its raw samples over the last five minutes (one outage gap does not move a
 * median); the longest of those medians.
 *
 * <p>A Prometheus that has just started holds one sample per target: the measurement waits for a
 * second scrape, then falls back to the {@code interval} label of Prometheus' own
 * {@code prometheus_target_interval_length_seconds} (which a fresh server may lack too), then to
 * {@link #DEFAULT}.
 */
final class ScrapeInterval {
  /** What Prometheus scrapes at when it does not say: its default. */
  static final Duration DEFAULT = Duration.ofSeconds(15);
  /** How long a fresh Prometheus gets for its second scrape of some target: four default intervals. */
  static final Duration SECOND_SCRAPE_WAIT = Duration.ofSeconds(60);
  private static final String RAW_UP = "up[5m]";
  private static final String CONFIGURED = "count by (interval) (prometheus_target_interval_length_seconds)";

  private ScrapeInterval() {
  }

  /** The interval {@code client}'s Prometheus scrapes at, waiting up to {@code waitAtMost} for a second scrape. */
  static Duration of(PrometheusClient client, Duration waitAtMost) {
    return Awaiting.reading("a second scrape of some target, to measure the scrape interval",
            () -> longestSampleSpacing(client.query(RAW_UP)))
        .atMost(waitAtMost).pollEvery(Duration.ofMillis(250))
        .untilOrEmpty(spacing -> !spacing.isZero())
        .or(() -> configured(client))
        .orElse(DEFAULT);
  }

  /** Per series, the median gap between consecutive raw samples; the longest of those, or zero. */
  static Duration longestSampleSpacing(QueryResult result) {
    long longestMillis = 0;
    if (result instanceof QueryResult.Matrix matrix) {
      for (RangeSeries series : matrix.series()) {
        longestMillis = Math.max(longestMillis, medianGapMillis(series.points()));
      }
    }
    return Duration.ofMillis(longestMillis);
  }

  private static long medianGapMillis(List<Point> points) {
    if (points.size() < 2) {
      return 0;
    }
    long[] gaps = new long[points.size() - 1];
    for (int i = 1; i < points.size(); i++) {
      gaps[i - 1] = points.get(i).time().toEpochMilli() - points.get(i - 1).time().toEpochMilli();
    }
    Arrays.sort(gaps);
    return gaps[gaps.length / 2];
  }

  /** The longest {@code interval} label Prometheus reports for its targets; empty when none parses. */
  private static Optional<Duration> configured(PrometheusClient client) {
    if (!(client.query(CONFIGURED) instanceof QueryResult.Vector vector)) {
      return Optional.empty();
    }
    Duration longest = Duration.ZERO;
    for (Sample s : vector.samples()) {
      Duration d = parseOrZero(s.labels().getOrDefault("interval", ""));
      longest = d.compareTo(longest) > 0 ? d : longest;
    }
    return longest.isZero() ? Optional.empty() : Optional.of(longest);
  }

  /** A label that is not a duration is ignored: this is a fallback, the default comes next. */
  private static Duration parseOrZero(String label) {
    try {
      return PromDuration.parse(label);
    } catch (IllegalArgumentException e) {
      return Duration.ZERO;
    }
  }
}
