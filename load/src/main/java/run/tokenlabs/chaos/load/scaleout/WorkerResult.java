package run.tokenlabs.chaos.load.scaleout;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import run.tokenlabs.chaos.load.api.Goodput;
import run.tokenlabs.chaos.load.api.LatencyHistograms;
import run.tokenlabs.chaos.load.api.Ledger;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.ScaledLoadResult;
import run.tokenlabs.chaos.load.api.TruncationSignal;

/**
 * What one load worker publishes for its coordinator: its ledger, every histogram of its overall set
 * ({@link LatencyHistograms#named()}, each {@link HistogramCodec encoded}), the count of requests that
 * met the SLO, when it started and how long it ran, and its own errors. Counts and histograms, no
 * percentiles: the coordinator sums them, which is exact, and computes every percentile from the sum.
 */
record WorkerResult(int index, String pod, long scheduled, Map<Outcome, Long> byOutcome,
                    Map<Integer, Long> byHttpStatus, Map<TruncationSignal, Long> byTruncationSignal,
                    Map<String, String> histograms, long goodputMet, long startedAtMillis, long wallNanos,
                    List<String> errors) {

  static WorkerResult of(int index, String pod, LoadResult result) {
    Ledger ledger = result.ledger();
    var encoded = new LinkedHashMap<String, String>();
    result.histograms().named().forEach((name, h) -> encoded.put(name, HistogramCodec.encode(h)));
    return new WorkerResult(index, pod, ledger.scheduled(), new TreeMap<>(ledger.byOutcome()),
        new TreeMap<>(ledger.byHttpStatus()), new TreeMap<>(ledger.byTruncationSignal()), encoded,
        result.goodput().map(Goodput::met).orElse(0L), result.startedAt().toEpochMilli(), result.wallTime().toNanos(),
        result.errors());
  }

  Ledger ledger() {
    return new Ledger(scheduled, byOutcome, byHttpStatus, byTruncationSignal);
  }

  LatencyHistograms histogramsWith(Duration requestTimeout) {
    var decoded = new LinkedHashMap<String, org.HdrHistogram.Histogram>();
    histograms.forEach((name, text) -> decoded.put(name, HistogramCodec.decode(text, name + " of worker " + index)));
    return LatencyHistograms.fromNamed(decoded, requestTimeout);
  }

  Instant startedAt() {
    return Instant.ofEpochMilli(startedAtMillis);
  }

  Instant endedAt() {
    return startedAt().plusNanos(wallNanos);
  }

  ScaledLoadResult.Worker asWorker() {
    return new ScaledLoadResult.Worker(index, pod, ledger(), startedAt(), Duration.ofNanos(wallNanos), errors);
  }

  String toJson() {
    try {
      return WorkerSpec.JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write worker result as JSON: " + e.getMessage(), e);
    }
  }

  static WorkerResult fromJson(String json, String where) {
    try {
      return WorkerSpec.JSON.readValue(json, WorkerResult.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("The worker result in " + where + " is not the JSON a load worker of this "
          + "version writes (" + e.getOriginalMessage() + "); run workers from the same image as the coordinator", e);
    }
  }
}
