package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.apiguardian.api.API;

/**
 * The account a running load keeps of its concluded requests, in constant memory: counts per outcome,
 * HTTP status and truncation signal, histograms overall and per bucket and the goodput count, each
 * updated as a record arrives; the record itself is written to a JSON-lines file and dropped (only the
 * first {@link Recording#keptInMemory()} stay in memory). An HdrHistogram interval log beside it gets
 * one interval per {@link #closeInterval()} call: the requests that concluded in that interval, tagged
 * {@code <bucket>.<metric>}, values in microseconds from the intended start.
 *
 * <p>Thread-safe: requests conclude on the client's threads. {@link LoadResult} is built from it once
 * the run has ended.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ResultRecorder implements AutoCloseable {
  private static final String[] METRICS = ResultExport.METRICS;

  private final LoadSpec spec;
  private final Path recordsFile;
  private final Path intervalLogFile;
  private final BufferedWriter records;
  private final PrintStream intervalOut;
  private final HistogramLogWriter intervalLog;
  private final int keptInMemory;
  private List<RequestRecord> kept = new ArrayList<>();
  private long count;
  private final EnumMap<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
  private final Map<Integer, Long> byStatus = new HashMap<>();
  private final EnumMap<TruncationSignal, Long> bySignal = new EnumMap<>(TruncationSignal.class);
  private final LatencyHistograms overall;
  private final Map<String, LatencyHistograms> byBucket = new LinkedHashMap<>();
  private final Map<String, LatencyHistograms> interval = new LinkedHashMap<>();
  private long intervalStartMillis;
  private long goodputMet;
  private final IssueRate issueRate = new IssueRate();
  private boolean closed;
  private String writeFailure;

  /**
   * Opens {@code <name>.records.jsonl} and {@code <name>.hlog} in {@code directory} (created if missing).
   *
   * @throws UncheckedIOException if the files cannot be created
   */
  public ResultRecorder(LoadSpec spec, Path directory, String name, Instant startedAt) {
    this.spec = spec;
    this.keptInMemory = spec.recording().keptInMemory();
    this.overall = LatencyHistograms.empty(spec.bounds().requestTimeout());
    for (Outcome o : Outcome.values()) {
      byOutcome.put(o, 0L);
    }
    for (Bucket b : spec.workload().buckets()) {
      byBucket.put(b.name(), LatencyHistograms.empty(spec.bounds().requestTimeout()));
      interval.put(b.name(), LatencyHistograms.empty(spec.bounds().requestTimeout()));
    }
    this.recordsFile = directory.resolve(name + ".records.jsonl");
    this.intervalLogFile = directory.resolve(name + ".hlog");
    try {
      Files.createDirectories(directory);
      this.records = Files.newBufferedWriter(recordsFile, StandardCharsets.UTF_8);
      this.intervalOut = new PrintStream(Files.newOutputStream(intervalLogFile), false, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the load's record files in " + directory
          + "; give a writable directory with LoadSpec.withRecording(Recording.to(dir))", e);
    }
    this.intervalLog = new HistogramLogWriter(intervalOut);
    this.intervalStartMillis = startedAt.toEpochMilli();
    intervalLog.outputComment("tokenlabs-chaos load: requests by the interval they concluded in;"
        + " values in microseconds from the intended start");
    intervalLog.outputLogFormatVersion();
    intervalLog.outputStartTime(intervalStartMillis);
    intervalLog.setBaseTime(intervalStartMillis);
    intervalLog.outputLegend();
  }

  /** Books one concluded request. */
  public synchronized void accept(RequestRecord r) {
    count++;
    byOutcome.merge(r.outcome(), 1L, Long::sum);
    if (r.outcome() == Outcome.HTTP_ERROR) {
      byStatus.merge(r.httpStatus(), 1L, Long::sum);
    }
    if (r.outcome() == Outcome.TRUNCATED) {
      r.truncation().forEach(s -> bySignal.merge(s, 1L, Long::sum));
    }
    overall.add(r);
    issueRate.add(r.intendedStartNanos());
    LatencyHistograms bucket = byBucket.get(r.bucket());
    if (bucket != null) {
      bucket.add(r);
      interval.get(r.bucket()).add(r);
    }
    if (spec.slo().isPresent() && Goodput.meets(spec.slo().get(), r)) {
      goodputMet++;
    }
    if (kept != null) {
      if (kept.size() < keptInMemory) {
        kept.add(r);
      } else {
        kept = null; // from now on the file is the only copy: records() reads it back
      }
    }
    if (!closed && writeFailure == null) {
      try {
        records.write(RecordLines.toLine(r));
        records.newLine();
      } catch (IOException e) {
        // the request is booked all the same: a full disk must not cost the ledger or the run
        writeFailure = "Cannot append request " + r.id() + " to " + recordsFile + " (" + e
            + "); later records are counted but not written, so records() misses them: free space or give"
            + " another directory with LoadSpec.withRecording(Recording.to(dir))";
      }
    }
  }

  /** Writes the interval histograms of the requests concluded since the previous call, and starts a new interval. */
  public synchronized void closeInterval() {
    if (closed) {
      return;
    }
    long now = System.currentTimeMillis();
    for (var e : interval.entrySet()) {
      List<Histogram> hs = ResultExport.histograms(e.getValue());
      for (int i = 0; i < METRICS.length; i++) {
        Histogram h = hs.get(i);
        if (h.getTotalCount() == 0) {
          continue;
        }
        h.setStartTimeStamp(intervalStartMillis);
        h.setEndTimeStamp(now);
        h.setTag(e.getKey() + "." + METRICS[i]);
        intervalLog.outputIntervalHistogram(h);
      }
      e.getValue().reset();
    }
    intervalStartMillis = now;
    if (writeFailure == null) {
      try {
        records.flush();
      } catch (IOException e) {
        writeFailure = "Cannot write the records file " + recordsFile + ": " + e;
      }
    }
    intervalOut.flush();
  }

  /** Writes the last interval and closes both files; the records file stays readable. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closeInterval();
    closed = true;
    intervalOut.close();
    try {
      records.close();
    } catch (IOException e) {
      if (writeFailure == null) {
        writeFailure = "Cannot close the records file " + recordsFile + ": " + e;
      }
    }
  }

  /** Why the records file is incomplete, if it is (a write failed); empty while every record was written. */
  public synchronized java.util.Optional<String> writeFailure() {
    return java.util.Optional.ofNullable(writeFailure);
  }

  /** The JSON-lines file with one record per concluded request, in the order they concluded. */
  public Path recordsFile() {
    return recordsFile;
  }

  /** The HdrHistogram interval log beside it. */
  public Path intervalLogFile() {
    return intervalLogFile;
  }

  /** How many requests were booked. */
  public synchronized long count() {
    return count;
  }

  synchronized Ledger ledger(long scheduled) {
    return new Ledger(scheduled, byOutcome, byStatus, bySignal);
  }

  LatencyHistograms overall() {
    return overall;
  }

  Map<String, LatencyHistograms> byBucket() {
    return byBucket;
  }

  synchronized long goodputMet() {
    return goodputMet;
  }

  /** Closes the files and hands over what was booked, for {@link LoadResult}. */
  LoadResult.Recorded closed() {
    close();
    return new LoadResult.Recorded() {
      @Override
      public List<RequestRecord> kept() {
        return keptRecords();
      }

      @Override
      public Path file() {
        return recordsFile;
      }

      @Override
      public long count() {
        return ResultRecorder.this.count();
      }

      @Override
      public Ledger ledger(long scheduled) {
        return ResultRecorder.this.ledger(scheduled);
      }

      @Override
      public LatencyHistograms overall() {
        return overall;
      }

      @Override
      public Map<String, LatencyHistograms> byBucket() {
        return byBucket;
      }

      @Override
      public long goodputMet() {
        return ResultRecorder.this.goodputMet();
      }

      @Override
      public IssueRate issueRate() {
        return issueRate;
      }
    };
  }

  /** Every record if all were kept in memory, else null (then they are in {@link #recordsFile()}). */
  synchronized List<RequestRecord> keptRecords() {
    return kept;
  }
}
