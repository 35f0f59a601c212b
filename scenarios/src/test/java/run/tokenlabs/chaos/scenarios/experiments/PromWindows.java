package run.tokenlabs.chaos.scenarios.experiments;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
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
   * The longest scrape interval among Prometheus' targets, from the {@code interval} label of its own
   * {@code prometheus_target_interval_length_seconds}; {@link #DEFAULT_SCRAPE} when it does not say.
   */
  static Duration scrapeInterval(PrometheusClient client) {
    QueryResult result = client.query("count by (interval) (prometheus_target_interval_length_seconds)");
    Duration longest = Duration.ZERO;
    if (result instanceof QueryResult.Vector vector) {
      for (Sample s : vector.samples()) {
        Duration d = parse(s.labels().getOrDefault("interval", ""));
        longest = d.compareTo(longest) > 0 ? d : longest;
      }
    }
    return longest.isZero() ? DEFAULT_SCRAPE : longest;
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
