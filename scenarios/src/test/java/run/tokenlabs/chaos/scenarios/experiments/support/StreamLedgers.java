package run.tokenlabs.chaos.scenarios.experiments.support;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import run.tokenlabs.chaos.load.api.LatencyHistograms;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.TruncationSignal;

/**
 * A streamed load's ledger as evidence text: outcomes, HTTP statuses, every truncation signal (also
 * those that never fired), finish reasons, usage mismatches, latency and dispatch-delay percentiles,
 * and single requests.
 */
public final class StreamLedgers {
  private StreamLedgers() {
  }

  /** The ledger with every truncation signal, finish reasons and usage mismatches. */
  public static String ledgerText(LoadResult result) {
    Map<String, Long> finish = result.records().stream().collect(Collectors.groupingBy(
        r -> String.valueOf(r.finishReason()), TreeMap::new, Collectors.counting()));
    Map<TruncationSignal, Long> signals = new EnumMap<>(TruncationSignal.class);
    for (TruncationSignal s : TruncationSignal.values()) {
      signals.put(s, result.ledger().byTruncationSignal().getOrDefault(s, 0L));
    }
    long usageMismatch = result.records().stream()
        .filter(r -> r.usage() != null && r.usage().completionTokens() != r.tokensReceived()).count();
    return result.ledger() + "\nHTTP errors by status: " + result.ledger().byHttpStatus()
        + "\ntruncation signals: " + signals + "\nfinish_reason: " + finish
        + "\nrequests whose chunk count differs from usage.completion_tokens: " + usageMismatch
        + "\nwall time: " + result.wallTime().toMillis() + " ms" + (result.errors().isEmpty() ? "" : "\nrun errors: "
        + result.errors());
  }

  /** TTFT, TPOT, E2E and dispatch-delay percentiles in wall milliseconds. */
  public static String percentiles(LoadResult result) {
    LatencyHistograms h = result.histograms();
    Function<Histogram, String> row = hist -> hist.getTotalCount() == 0 ? "n=0"
        : String.format(Locale.ROOT, "n=%d p50 %.1f ms, p95 %.1f ms, max %.1f ms", hist.getTotalCount(),
            hist.getValueAtPercentile(50) / 1e3, hist.getValueAtPercentile(95) / 1e3, hist.getMaxValue() / 1e3);
    return "TTFT: " + row.apply(h.ttftMicros()) + "\nTPOT: " + row.apply(h.tpotMicros()) + "\nE2E: "
        + row.apply(h.e2eMicros()) + "\ndispatch delay (every sent request): " + row.apply(h.dispatchDelayMicros());
  }

  /** The longest dispatch delay of the requests sent, in milliseconds; 0 when none was sent. */
  public static double maxDispatchMillis(LoadResult result) {
    return LatencyHistograms.percentile(result.histograms().dispatchDelayMicros(), 100)
        .map(d -> d.toNanos() / 1e6).orElse(0.0);
  }

  /** One line per request of {@code outcome} (all requests when null). */
  public static String describe(LoadResult result, Outcome outcome) {
    List<RequestRecord> records = result.records().stream().filter(r -> outcome == null || r.outcome() == outcome)
        .toList();
    return records.isEmpty() ? "none" : records.stream().map(r -> "#" + r.id() + " " + r.outcome() + " "
        + GatewayStreams.StreamCheck.of(r).detail()).collect(Collectors.joining("\n"));
  }

  /** The first ten requests that did not complete, on one line. */
  public static String notComplete(LoadResult result) {
    return result.records().stream().filter(r -> r.outcome() != Outcome.COMPLETE)
        .map(r -> "#" + r.id() + " " + r.outcome() + " " + GatewayStreams.StreamCheck.of(r).detail())
        .limit(10).collect(Collectors.joining("; "));
  }
}
