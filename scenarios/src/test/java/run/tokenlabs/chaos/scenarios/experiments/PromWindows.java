package run.tokenlabs.chaos.scenarios.experiments;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import run.tokenlabs.chaos.probes.api.Point;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.RangeSeries;
import run.tokenlabs.chaos.probes.api.Sample;

/**
 * Windows of Prometheus data for experiments: the scrape interval the server really uses (so steps
 * and rate windows fit a 1 s lab and a 15 s cluster alike), waiting until a scrape newer than some
 * instant has landed, and text renderings of results for evidence.
 */
final class PromWindows {
  /** What Prometheus scrapes at when it does not tell (its default and the reference run's). */
  static final Duration DEFAULT_SCRAPE = Duration.ofSeconds(15);
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private PromWindows() {
  }

  /**
   * The longest scrape interval among Prometheus' targets: per series of {@code up}, the median spacing
   * of its raw samples over the last five minutes (so it is the interval really used, whatever the
   * configuration says). Waits up to a minute for a second scrape on a Prometheus that has just started;
   * falls back to the {@code interval} label of Prometheus' own
   * {@code prometheus_target_interval_length_seconds}, then to {@link #DEFAULT_SCRAPE}.
   */
  static Duration scrapeInterval(PrometheusClient client) {
    AtomicReference<Duration> measured = new AtomicReference<>(Duration.ZERO);
    try {
      await("a second scrape of some target, to measure the scrape interval").atMost(Duration.ofSeconds(60))
          .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).until(() -> {
            measured.set(longestSampleSpacing(client.query("up[5m]")));
            return !measured.get().isZero();
          });
      return measured.get();
    } catch (ConditionTimeoutException e) {
      Duration configured = configuredInterval(client);
      return configured.isZero() ? DEFAULT_SCRAPE : configured;
    }
  }

  /** Per series, the median gap between consecutive raw samples; the longest of those, or zero. */
  static Duration longestSampleSpacing(QueryResult result) {
    long longestMillis = 0;
    if (result instanceof QueryResult.Matrix matrix) {
      for (RangeSeries series : matrix.series()) {
        List<Point> points = series.points();
        if (points.size() < 2) {
          continue;
        }
        long[] gaps = new long[points.size() - 1];
        for (int i = 1; i < points.size(); i++) {
          gaps[i - 1] = points.get(i).time().toEpochMilli() - points.get(i - 1).time().toEpochMilli();
        }
        Arrays.sort(gaps);
        longestMillis = Math.max(longestMillis, gaps[gaps.length / 2]);
      }
    }
    return Duration.ofMillis(longestMillis);
  }

  private static Duration configuredInterval(PrometheusClient client) {
    QueryResult result = client.query("count by (interval) (prometheus_target_interval_length_seconds)");
    Duration longest = Duration.ZERO;
    if (result instanceof QueryResult.Vector vector) {
      for (Sample s : vector.samples()) {
        Duration d = parse(s.labels().getOrDefault("interval", ""));
        longest = d.compareTo(longest) > 0 ? d : longest;
      }
    }
    return longest;
  }

  /** A Prometheus duration such as {@code 1s}, {@code 15s}, {@code 1m30s}; zero when it does not parse. */
  static Duration parse(String text) {
    Matcher m = DURATION_PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
      end = m.end();
    }
    return end == text.length() ? total : Duration.ZERO;
  }

  /** PromQL range selector text for a duration, in whole seconds (at least 1 s). */
  static String promDuration(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000) + "s";
  }

  /**
   * Waits until every series of {@code selector} carries a sample scraped after {@code after}, so a
   * query covering a window that ended at {@code after} sees its last scrape.
   */
  static void awaitScrapedAfter(PrometheusClient client, String selector, Instant after, Duration atMost) {
    String promql = "min(timestamp(" + selector + "))";
    AtomicReference<String> last = new AtomicReference<>("no answer yet");
    try {
      await("a scrape of " + selector + " after " + after).atMost(atMost).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(250)).until(() -> {
            QueryResult r = client.query(promql);
            if (r instanceof QueryResult.Vector v && v.samples().size() == 1) {
              double t = v.samples().get(0).value();
              last.set("oldest newest sample at " + Instant.ofEpochMilli((long) (t * 1000)));
              return t * 1000 >= after.toEpochMilli();
            }
            last.set("no series for " + selector);
            return false;
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Prometheus had no scrape of " + selector + " after " + after + " within "
          + atMost.toSeconds() + " s; last seen: " + last.get(), e);
    }
  }

  /** One line per series: its labels, n, min, max and the values. */
  static String describe(String promql, QueryResult.Matrix matrix) {
    StringBuilder out = new StringBuilder("PromQL (range): ").append(promql).append('\n');
    if (matrix.series().isEmpty()) {
      return out.append("no series (no data)\n").toString();
    }
    for (RangeSeries s : matrix.series()) {
      out.append(new TreeMap<>(s.labels())).append(": n=").append(s.points().size())
          .append(", min ").append(format(s.points().stream().mapToDouble(Point::value).min().orElse(Double.NaN)))
          .append(", max ").append(format(s.points().stream().mapToDouble(Point::value).max().orElse(Double.NaN)))
          .append(", values ").append(s.points().stream().map(p -> format(p.value())).collect(Collectors.joining(" ")))
          .append('\n');
    }
    return out.toString();
  }

  /** One line per sample of an instant vector. */
  static String describe(String promql, QueryResult result) {
    StringBuilder out = new StringBuilder("PromQL: ").append(promql).append('\n');
    if (result instanceof QueryResult.Vector v) {
      if (v.samples().isEmpty()) {
        return out.append("empty vector (no data)\n").toString();
      }
      v.samples().forEach(s -> out.append(new TreeMap<>(s.labels())).append(" = ").append(format(s.value())).append('\n'));
    } else {
      out.append(result).append('\n');
    }
    return out.toString();
  }

  /** The labels that identify a GPU, as one key ({@code Hostname/gpu}). */
  static String gpuKey(Map<String, String> labels) {
    return labels.getOrDefault("Hostname", "?") + "/gpu" + labels.getOrDefault("gpu", "?");
  }

  static String format(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return String.valueOf(v);
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4g", v);
  }
}
