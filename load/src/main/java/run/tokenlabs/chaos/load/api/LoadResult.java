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
import java.util.function.Consumer;

/**
 * Everything one load measured: the ledger, every request's record, HdrHistograms overall and per
 * bucket, goodput against the SLO, how the prompts were built, and the run's own errors (a ledger
 * gap is one). Exportable as JSON and as an HdrHistogram log. What it holds in memory is bounded:
 * counts and histograms, plus the records up to {@link Recording#keptInMemory()}; beyond that the
 * records are in the run's records file ({@link #recordsFile()}) and read back from it on demand.
 */
public final class LoadResult {
  private final LoadSpec spec;
  private final long originNanoTime;
  private final Instant startedAt;
  private final Duration wall;
  private final Ledger ledger;
  /** Every record, by id, when the run kept them all in memory; null when they are only in {@link #recordsFile}. */
  private final List<RequestRecord> kept;
  private final Path recordsFile;
  private final long recordCount;
  private final List<PromptInfo> prompts;
  private final LatencyHistograms overall;
  private final Map<String, LatencyHistograms> byBucket;
  private final Optional<Goodput> goodput;
  private final List<String> errors;
  private final List<String> warnings;

  /**
   * Assembles a result from the records of a run, all in memory; histograms, ledger and goodput are
   * derived here. {@code scheduled} is the count the scheduler issued, independent of the records, so
   * a lost record shows as a ledger gap.
   */
  public LoadResult(LoadSpec spec, long originNanoTime, Instant startedAt, Duration wall, long scheduled,
      List<RequestRecord> records, List<PromptInfo> prompts, List<String> runErrors) {
    this(spec, originNanoTime, startedAt, wall, scheduled, recorded(spec, records), prompts, runErrors);
  }

  /**
   * Assembles a result from what a run's {@link ResultRecorder} booked as the requests concluded: its
   * counts and histograms as they are, its records kept in memory or, beyond {@link Recording#keptInMemory()},
   * in its records file. Closes the recorder.
   */
  public LoadResult(LoadSpec spec, long originNanoTime, Instant startedAt, Duration wall, long scheduled,
      ResultRecorder recorder, List<PromptInfo> prompts, List<String> runErrors) {
    this(spec, originNanoTime, startedAt, wall, scheduled, recorder.closed(), prompts, runErrors);
  }

  private LoadResult(LoadSpec spec, long originNanoTime, Instant startedAt, Duration wall, long scheduled,
      Recorded recorded, List<PromptInfo> prompts, List<String> runErrors) {
    this.spec = spec;
    this.originNanoTime = originNanoTime;
    this.startedAt = startedAt;
    this.wall = wall;
    this.kept = recorded.kept() == null ? null : sortedById(recorded.kept());
    this.recordsFile = recorded.file();
    this.recordCount = recorded.count();
    this.prompts = List.copyOf(prompts);
    this.ledger = recorded.ledger(scheduled);
    this.overall = recorded.overall();
    this.byBucket = Map.copyOf(recorded.byBucket());
    double seconds = Math.max(wall.toNanos(), 1) / 1e9;
    this.goodput = spec.slo().map(slo -> new Goodput(slo, recorded.goodputMet(), scheduled, recorded.goodputMet() / seconds));
    var errs = new ArrayList<>(runErrors);
    if (!ledger.balanced()) {
      errs.add("Ledger gap: " + ledger.scheduled() + " requests scheduled but " + ledger.accounted()
          + " accounted for (" + ledger.unaccounted() + " missing); this is a defect of the load generator");
    }
    this.errors = List.copyOf(errs);
    this.warnings = spec.loop() instanceof Loop.Closed
        ? recorded.issueRate().collapse().stream().toList()
        : List.of();
  }

  /** What a result is assembled from: the recorder's account, or records given in memory. */
  interface Recorded {
    List<RequestRecord> kept();

    Path file();

    long count();

    Ledger ledger(long scheduled);

    LatencyHistograms overall();

    Map<String, LatencyHistograms> byBucket();

    long goodputMet();

    IssueRate issueRate();
  }

  private static Recorded recorded(LoadSpec spec, List<RequestRecord> records) {
    var perBucket = new LinkedHashMap<String, LatencyHistograms>();
    for (Bucket b : spec.workload().buckets()) {
      perBucket.put(b.name(), LatencyHistograms.of(records.stream().filter(r -> r.bucket().equals(b.name())).toList(),
          spec.bounds().requestTimeout()));
    }
    LatencyHistograms all = LatencyHistograms.of(records, spec.bounds().requestTimeout());
    long met = spec.slo().map(slo -> records.stream().filter(r -> Goodput.meets(slo, r)).count()).orElse(0L);
    var copy = List.copyOf(records);
    var rate = new IssueRate();
    copy.forEach(r -> rate.add(r.intendedStartNanos()));
    return new Recorded() {
      public IssueRate issueRate() {
        return rate;
      }

      public List<RequestRecord> kept() {
        return copy;
      }

      public Path file() {
        return null;
      }

      public long count() {
        return copy.size();
      }

      public Ledger ledger(long scheduled) {
        return ResultExport.ledgerOf(scheduled, copy);
      }

      public LatencyHistograms overall() {
        return all;
      }

      public Map<String, LatencyHistograms> byBucket() {
        return perBucket;
      }

      public long goodputMet() {
        return met;
      }
    };
  }

  private static List<RequestRecord> sortedById(List<RequestRecord> records) {
    var sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparingLong(RequestRecord::id));
    return List.copyOf(sorted);
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

  /**
   * Every scheduled request that was accounted for, by id. A run that concluded more requests than its
   * {@link Recording#keptInMemory()} reads them back from its records file here, all at once: on a long
   * run, prefer {@link #forEachRecord(Consumer)}, which holds one record at a time.
   */
  public List<RequestRecord> records() {
    if (kept != null) {
      return kept;
    }
    var all = new ArrayList<RequestRecord>((int) Math.min(recordCount, Integer.MAX_VALUE - 8));
    RecordLines.forEach(recordsFile, all::add);
    return sortedById(all);
  }

  /** Hands every record to {@code sink}, one at a time: by id when kept in memory, else in the order they concluded. */
  public void forEachRecord(Consumer<RequestRecord> sink) {
    if (kept != null) {
      kept.forEach(sink);
    } else {
      RecordLines.forEach(recordsFile, sink);
    }
  }

  /** How many records the run booked (the ledger's accounted count). */
  public long recordCount() {
    return recordCount;
  }

  /**
   * The JSON-lines file where the run wrote one record per concluded request as it concluded (beside it,
   * the interval log {@code <name>.hlog}); empty for a result assembled from records in memory.
   */
  public Optional<Path> recordsFile() {
    return Optional.ofNullable(recordsFile);
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

  /**
   * What a reader of the figures must know though the run itself was sound: a closed loop whose issue
   * rate collapsed during the run (a stall held every session). Empty when there is nothing to say.
   */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * A closed loop's TTFT and E2E corrected for coordinated omission, beside the raw ones of
   * {@link #histograms()}; empty for an open loop, whose latencies already run from the scheduled arrival.
   */
  public Optional<CoordinatedOmission> coordinatedOmission() {
    return spec.loop() instanceof Loop.Closed ? Optional.of(CoordinatedOmission.of(overall)) : Optional.empty();
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
   * one of ttft, ttfc, itl, tpot, e2e, dispatch, chunkInterval, ttftAtDeadline; values in microseconds.
   * It reads every record ({@link #records()}: from the records file beyond what was kept in memory); the
   * interval log the run wrote as it went, beside {@link #recordsFile()}, costs nothing.
   */
  public void writeHistogramLog(Path file) {
    write(file, ResultExport.histogramLog(this, Duration.ofSeconds(1)));
  }

  @Override
  public String toString() {
    return "LoadResult[" + ledger + ", wall " + wall.toMillis() + " ms" + (errors.isEmpty() ? "" : ", errors " + errors)
        + (warnings.isEmpty() ? "" : ", warnings " + warnings) + "]";
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write load result to " + file, e);
    }
  }
}
