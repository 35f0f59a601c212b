package run.tokenlabs.chaos.load.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one load measured: the ledger, every request's record, HdrHistograms overall and per
 * bucket, goodput against the SLO, how the prompts were built, and the run's own errors (a ledger
 * gap is one). Exportable as JSON and as an HdrHistogram log.
 */
public final class LoadResult {
  private final LoadSpec spec;
  private final long originNanoTime;
  private final Instant startedAt;
  private final Duration wall;
  private final Ledger ledger;
  private final List<RequestRecord> records;
  private final List<PromptInfo> prompts;
  private final LatencyHistograms overall;
  private final Map<String, LatencyHistograms> byBucket;
  private final Optional<Goodput> goodput;
  private final List<String> errors;

  /**
   * Assembles a result from the records of a run; histograms, ledger and goodput are derived here.
   * {@code scheduled} is the count the scheduler issued, independent of the records, so a lost record
   * shows as a ledger gap.
   */
  public LoadResult(LoadSpec spec, long originNanoTime, Instant startedAt, Duration wall, long scheduled,
      List<RequestRecord> records, List<PromptInfo> prompts, List<String> runErrors) {
    this.spec = spec;
    this.originNanoTime = originNanoTime;
    this.startedAt = startedAt;
    this.wall = wall;
    var sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparingLong(RequestRecord::id));
    this.records = List.copyOf(sorted);
    this.prompts = List.copyOf(prompts);
    this.ledger = ResultExport.ledgerOf(scheduled, this.records);
    this.overall = LatencyHistograms.of(this.records);
    var perBucket = new LinkedHashMap<String, LatencyHistograms>();
    for (Bucket b : spec.workload().buckets()) {
      perBucket.put(b.name(), LatencyHistograms.of(this.records.stream().filter(r -> r.bucket().equals(b.name())).toList()));
    }
    this.byBucket = Map.copyOf(perBucket);
    this.goodput = spec.slo().map(slo -> Goodput.of(slo, this.records, scheduled, wall));
    var errs = new ArrayList<>(runErrors);
    if (!ledger.balanced()) {
      errs.add("Ledger gap: " + ledger.scheduled() + " requests scheduled but " + ledger.accounted()
          + " accounted for (" + ledger.unaccounted() + " missing); this is a defect of the load generator");
    }
    this.errors = List.copyOf(errs);
  }

  public LoadSpec spec() {
    return spec;
  }

  /** {@code System.nanoTime()} at the run's time zero: correlates record times with other in-process clocks. */
  public long originNanoTime() {
    return originNanoTime;
  }

  public Instant startedAt() {
    return startedAt;
  }

  /** From time zero to the last request's end. */
  public Duration wallTime() {
    return wall;
  }

  public Ledger ledger() {
    return ledger;
  }

  /** Every scheduled request that was accounted for, by id. */
  public List<RequestRecord> records() {
    return records;
  }

  public List<PromptInfo> prompts() {
    return prompts;
  }

  public LatencyHistograms histograms() {
    return overall;
  }

  /** Histograms of one bucket's requests. */
  public LatencyHistograms histograms(String bucket) {
    var h = byBucket.get(bucket);
    if (h == null) {
      throw new IllegalArgumentException("No bucket '" + bucket + "' in this load; buckets: " + byBucket.keySet());
    }
    return h;
  }

  public Optional<Goodput> goodput() {
    return goodput;
  }

  /** Defects of the run itself (ledger gap, scheduler failure); empty when the run is trustworthy. */
  public List<String> errors() {
    return errors;
  }

  /** The result as JSON: spec (no secret), ledger, percentiles per bucket, goodput, prompts, errors, and per-request records if asked. */
  public String toJson(boolean withRequests) {
    return ResultExport.toJson(this, withRequests);
  }

  public void writeJson(Path file, boolean withRequests) {
    write(file, toJson(withRequests));
  }

  /**
   * Writes an HdrHistogram log (readable by {@code HistogramLogReader} and HdrHistogram's plotters):
   * one interval histogram per second of intended start, tagged {@code <bucket>.<metric>} with metric
   * one of ttft, ttfc, itl, tpot, e2e, dispatch, chunkInterval; values in microseconds.
   */
  public void writeHistogramLog(Path file) {
    write(file, ResultExport.histogramLog(this, Duration.ofSeconds(1)));
  }

  @Override
  public String toString() {
    return "LoadResult[" + ledger + ", wall " + wall.toMillis() + " ms" + (errors.isEmpty() ? "" : ", errors " + errors) + "]";
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write load result to " + file, e);
    }
  }
}
