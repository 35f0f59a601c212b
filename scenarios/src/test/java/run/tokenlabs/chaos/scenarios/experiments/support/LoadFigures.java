package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.LatencyHistograms;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * Figures and evidence text from a {@link LoadResult}, the "no request lost" check every load passes, and how
 * long to wait for a load.
 */
public final class LoadFigures {
  private LoadFigures() {
  }

  /**
   * Nothing lost: the ledger balances (every scheduled request in exactly one class) and the run reports no
   * defect of its own (a ledger gap, a scheduler failure). A load that lost a request fails the experiment.
   */
  public static void assertNothingLost(LoadResult result, String load) {
    assertThat(result.errors()).as("defects of load '%s' (%s)", load, result.ledger()).isEmpty();
    assertThat(result.ledger().unaccounted()).as("requests of load '%s' not accounted for: %s", load, result.ledger())
        .isZero();
    assertThat(result.records()).as("one record per scheduled request of load '%s'", load)
        .hasSize((int) result.ledger().scheduled());
  }

  /**
   * How long to wait for a load's result: it ends by itself within duration + request timeout once started;
   * its prompts take a few seconds more.
   */
  public static Duration longestRun(LoadSpec spec) {
    return spec.bounds().duration().plus(spec.bounds().requestTimeout()).plusSeconds(30);
  }

  /** Requests answered with a 5xx status. */
  public static long serverErrors(LoadResult result) {
    return result.ledger().byHttpStatus().entrySet().stream().filter(e -> e.getKey() >= 500)
        .mapToLong(Map.Entry::getValue).sum();
  }

  /** Complete requests of a bucket. */
  public static long complete(LoadResult result, String bucket) {
    return result.records().stream().filter(r -> r.bucket().equals(bucket) && r.outcome() == Outcome.COMPLETE).count();
  }

  /** The {@code percentile} of a histogram of wall microseconds, in seconds of the clock; NaN when empty. */
  public static double seconds(Histogram wallMicros, double percentile, GpuClock clock) {
    return LatencyHistograms.percentile(wallMicros, percentile).map(clock::seconds).orElse(Double.NaN);
  }

  /** TTFT (first chunk) of the complete requests of a bucket, in seconds of the clock, in request order. */
  public static double[] ttftSeconds(LoadResult result, String bucket, GpuClock clock) {
    return result.records().stream().filter(r -> r.bucket().equals(bucket) && r.outcome() == Outcome.COMPLETE)
        .map(RequestRecord::ttft).flatMap(java.util.Optional::stream).mapToDouble(clock::seconds).toArray();
  }

  /** Ledger, HTTP statuses and per bucket n, TTFT, time to first content and E2E percentiles. */
  public static String table(LoadResult result, GpuClock clock) {
    StringBuilder out = new StringBuilder();
    out.append("ledger: ").append(result.ledger()).append('\n');
    if (!result.ledger().byHttpStatus().isEmpty()) {
      out.append("HTTP statuses of failed requests: ").append(new TreeMap<>(result.ledger().byHttpStatus())).append('\n');
    }
    if (!result.ledger().byTruncationSignal().isEmpty()) {
      out.append("truncation signals: ").append(result.ledger().byTruncationSignal()).append('\n');
    }
    out.append("wall time ").append(result.wallTime().toMillis()).append(" ms; latencies in s, ").append(clock.how())
        .append(", from the intended start, complete requests only\n");
    out.append(String.format(Locale.ROOT, "%-8s %5s %9s %9s %9s %9s %9s %9s %9s%n", "bucket", "n", "TTFT p50",
        "TTFT p95", "TTFT p99", "TTFC p50", "TTFC p95", "E2E p50", "E2E p95"));
    for (Bucket b : result.spec().workload().buckets()) {
      LatencyHistograms h = result.histograms(b.name());
      Function<Histogram, String> p50 = x -> fmt(seconds(x, 50, clock));
      Function<Histogram, String> p95 = x -> fmt(seconds(x, 95, clock));
      out.append(String.format(Locale.ROOT, "%-8s %5d %9s %9s %9s %9s %9s %9s %9s%n", b.name(),
          h.ttftMicros().getTotalCount(), p50.apply(h.ttftMicros()), p95.apply(h.ttftMicros()),
          fmt(seconds(h.ttftMicros(), 99, clock)), p50.apply(h.ttfcMicros()), p95.apply(h.ttfcMicros()),
          p50.apply(h.e2eMicros()), p95.apply(h.e2eMicros())));
    }
    return out.toString();
  }

  public static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3g", v);
  }
}
