package run.tokenlabs.chaos.load.scaleout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import run.tokenlabs.chaos.load.api.Goodput;
import run.tokenlabs.chaos.load.api.LatencyHistograms;
import run.tokenlabs.chaos.load.api.Ledger;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.ScaledLoadResult;
import run.tokenlabs.chaos.load.api.TruncationSignal;

/**
 * The exact merge of every worker's result: ledgers summed class by class, histograms summed with
 * HdrHistogram's {@code add}, SLO-met counts summed. Only a complete set is merged: one result per
 * worker index, or the merge refuses, so a partial result is never passed off as the whole.
 */
final class ResultMerge {
  private ResultMerge() {
  }

  static ScaledLoadResult merge(LoadSpec spec, int workers, List<WorkerResult> results) {
    var sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparingInt(WorkerResult::index));
    for (int i = 0; i < workers; i++) {
      if (sorted.size() <= i || sorted.get(i).index() != i) {
        throw new IllegalArgumentException("Cannot merge the results of " + workers + " workers: worker " + i
            + "'s is missing or repeated (indexes given: " + sorted.stream().map(WorkerResult::index).toList()
            + "); a merge of some workers would pass a part of the load off as the whole");
      }
    }
    if (sorted.size() != workers) {
      throw new IllegalArgumentException("Cannot merge " + sorted.size() + " results of " + workers + " workers: "
          + "indexes " + sorted.stream().map(WorkerResult::index).toList());
    }
    Ledger ledger = sum(sorted.stream().map(WorkerResult::ledger).toList());
    Duration timeout = spec.bounds().requestTimeout();
    LatencyHistograms histograms = LatencyHistograms.sum(sorted.stream().map(r -> r.histogramsWith(timeout)).toList(),
        timeout);
    Instant start = sorted.stream().map(WorkerResult::startedAt).min(Comparator.naturalOrder()).orElseThrow();
    Instant end = sorted.stream().map(WorkerResult::endedAt).max(Comparator.naturalOrder()).orElseThrow();
    Duration wall = Duration.between(start, end);
    long met = sorted.stream().mapToLong(WorkerResult::goodputMet).sum();
    double seconds = Math.max(wall.toNanos(), 1) / 1e9;
    var errors = new ArrayList<String>();
    sorted.forEach(r -> r.errors().forEach(e -> errors.add("worker " + r.index() + ": " + e)));
    if (!ledger.balanced()) {
      errors.add("Merged ledger gap: " + ledger.scheduled() + " requests scheduled but " + ledger.accounted()
          + " accounted for; this is a defect of the load generator");
    }
    return new ScaledLoadResult(spec, ledger, histograms, sorted.stream().map(WorkerResult::asWorker).toList(),
        spec.slo().map(slo -> new Goodput(slo, met, ledger.scheduled(), met / seconds)), start, wall, errors);
  }

  /** The ledgers summed: scheduled, and every class, status and signal count. */
  static Ledger sum(List<Ledger> ledgers) {
    long scheduled = 0;
    Map<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
    Map<Integer, Long> byStatus = new HashMap<>();
    Map<TruncationSignal, Long> bySignal = new EnumMap<>(TruncationSignal.class);
    for (Ledger l : ledgers) {
      scheduled += l.scheduled();
      l.byOutcome().forEach((k, v) -> byOutcome.merge(k, v, Long::sum));
      l.byHttpStatus().forEach((k, v) -> byStatus.merge(k, v, Long::sum));
      l.byTruncationSignal().forEach((k, v) -> bySignal.merge(k, v, Long::sum));
    }
    return new Ledger(scheduled, byOutcome, byStatus, bySignal);
  }
}
