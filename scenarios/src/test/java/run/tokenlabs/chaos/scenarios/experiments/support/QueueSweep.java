package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.probes.api.MetricsSampler;
import run.tokenlabs.chaos.probes.api.PromDuration;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.SeriesStats;

/**
 * A concurrency sweep of one model: one bounded closed-loop load per concurrency, each a fault ({@link BackgroundLoad},
 * stopped by its rollback) in a direct-sampler phase of its own, and per step the figures of a queue audit: TTFT
 * (first content token) per request, TPOT of the long answers, and the waiting queue read directly and by Prometheus.
 */
public final class QueueSweep {
  /** vLLM's waiting-queue gauge. */
  public static final String VLLM_WAITING = "vllm:num_requests_waiting";
  /** SGLang's waiting-queue gauge. */
  public static final String SGLANG_WAITING = "sglang:num_queue_reqs";
  /**
   * A step queues when its time-averaged queue (direct sampler) is at least this many requests: one request waiting
   * a tenth of the time. Below it, a waiting request is a passing moment between two scheduler steps.
   */
  public static final double QUEUEING = 0.1;

  private final Chaos chaos;
  private final MetricsSampler sampler;
  private final String model;
  private final String gauge;
  private final GpuClock clock;
  private final List<Window> windows = new ArrayList<>();

  /**
   * @param sampler the direct sampler of the model servers' {@code /metrics}, recording {@code gauge}
   * @param gauge the waiting-queue gauge the model's engine exposes ({@link #VLLM_WAITING} or {@link #SGLANG_WAITING})
   */
  public QueueSweep(Chaos chaos, MetricsSampler sampler, String model, String gauge, GpuClock clock) {
    this.chaos = chaos;
    this.sampler = sampler;
    this.model = model;
    this.gauge = gauge;
    this.clock = clock;
  }

  /** Runs one step: the load as a fault in sampler phase {@code c=<concurrency>}, awaited and journaled. */
  public void step(int concurrency, LoadSpec spec) {
    String name = "c=" + concurrency;
    BackgroundLoad load = BackgroundLoad.of("LLMD-2 sweep, concurrency " + concurrency, spec);
    sampler.phase(name);
    Instant start = Instant.now();
    chaos.inject(load);
    LoadResult result = load.awaitResult(LoadFigures.longestRun(spec));
    Instant end = Instant.now();
    chaos.evidence("sweep step, concurrency " + concurrency, LoadFigures.table(result, clock));
    windows.add(new Window(concurrency, name, start, end, result));
  }

  /**
   * Every step's figures, once Prometheus has scraped past the last step: its {@code max_over_time} and
   * {@code avg_over_time} of the queue gauge over each step's window go to the evidence.
   *
   * @param longBucket the bucket whose TPOT is measured (long answers: many tokens per request)
   */
  public List<Step> figures(PrometheusProbes prometheus, String longBucket) {
    String selector = gauge + "{model_name=\"" + model + "\"}";
    Instant last = windows.get(windows.size() - 1).end();
    prometheus.series(selector).awaitScrapedAfter(last, prometheus.scrapeInterval().multipliedBy(4).plusSeconds(10));
    List<Step> steps = new ArrayList<>();
    StringBuilder evidence = new StringBuilder();
    for (Window w : windows) {
      String range = "[" + PromDuration.window(Duration.between(w.start(), w.end())) + "]";
      String max = "max(max_over_time(" + selector + range + "))";
      String avg = "max(avg_over_time(" + selector + range + "))";
      QueryResult maxResult = prometheus.client().query(max, w.end());
      QueryResult avgResult = prometheus.client().query(avg, w.end());
      evidence.append(w.phase()).append(":\n").append(PromEvidence.describe(max, maxResult))
          .append(PromEvidence.describe(avg, avgResult));
      Optional<SeriesStats> direct = sampler.stats(gauge, w.phase()).values().stream()
          .filter(s -> s.target().equals(model) && !Double.isNaN(s.max())).findFirst();
      SeriesStats queue = direct.orElseThrow(() -> new AssertionError("The direct sampler recorded no " + gauge
          + " of " + model + " during " + w.phase() + " (" + sampler.scrapes() + " scrapes, " + sampler.failedScrapes()
          + " failed, gaps " + sampler.gaps() + "); expected the model server's /metrics to expose it"));
      steps.add(new Step(w.concurrency(), w.result(), ttft(w.result()), tpotMillis(w.result(), longBucket),
          queue.mean(), queue.max(), queue.count(), single(maxResult), single(avgResult)));
    }
    chaos.evidence("Prometheus, " + selector + " per sweep step", evidence.toString());
    return steps;
  }

  /** First content token of every complete request, GPU seconds. */
  private double[] ttft(LoadResult result) {
    return result.records().stream().filter(r -> r.outcome() == Outcome.COMPLETE).map(RequestRecord::ttfc)
        .flatMap(Optional::stream).mapToDouble(clock::seconds).filter(v -> v > 0).toArray();
  }

  private double[] tpotMillis(LoadResult result, String bucket) {
    return result.records().stream().filter(r -> r.bucket().equals(bucket) && r.outcome() == Outcome.COMPLETE)
        .map(RequestRecord::tpot).flatMap(Optional::stream).mapToDouble(d -> 1000 * clock.seconds(d)).toArray();
  }

  private static double single(QueryResult result) {
    return result instanceof QueryResult.Vector v && v.samples().size() == 1 ? v.samples().get(0).value() : Double.NaN;
  }

  /** The first concurrency whose time-averaged queue (direct) is at least {@link #QUEUEING}; empty if none. */
  public static Optional<Step> onset(List<Step> steps) {
    return steps.stream().filter(s -> s.queueMean() >= QUEUEING).findFirst();
  }

  /**
   * Two charts against concurrency: TTFT p50 and p95 (GPU seconds), and the waiting queue (direct mean and peak,
   * Prometheus peak); and one with each step's TTFT CDF, where two modes show as two rises.
   */
  public void charts(List<Step> steps) {
    ChartEvidence.lines("TTFT against concurrency: " + model).x("concurrency (sessions)", false)
        .y("TTFT, first content token (s, GPU time)").note(clock.how())
        .series("TTFT p50", points(steps, s -> s.ttftPercentile(50)), false, true)
        .series("TTFT p95", points(steps, s -> s.ttftPercentile(95)), false, true).record(chaos);
    ChartEvidence queue = ChartEvidence.lines("Waiting queue against concurrency: " + model)
        .x("concurrency (sessions)", false).y(gauge + " (requests)")
        .note("direct sampler every " + KvPeaks.SAMPLE_EVERY.toMillis() + " ms; Prometheus at its scrape interval")
        .series("direct, time-averaged", points(steps, Step::queueMean), false, true)
        .series("direct, peak", points(steps, Step::queueMax), false, true)
        .series("Prometheus, max_over_time", points(steps, Step::promMax), false, true);
    queue.marker("y", QUEUEING, "queueing threshold").record(chaos);
    ChartEvidence cdf = ChartEvidence.lines("TTFT CDF per concurrency: " + model).x("TTFT, first content token (s, "
        + "GPU time)", false).y("share of requests at or below").note(clock.how());
    steps.forEach(s -> cdf.series("c=" + s.concurrency(), ChartEvidence.cdf(Arrays.stream(s.ttft()).boxed().toList()),
        true, false));
    cdf.record(chaos);
  }

  /**
   * TPOT within and across the steps: {@code stableTitle} when no step's coefficient of variation is above
   * {@code limit}, else a finding naming the steps above it; the median's growth with concurrency in both.
   */
  public static Finding tpotFinding(List<Step> steps, Step worst, double limit, String stableTitle) {
    Step first = steps.get(0);
    Step last = steps.get(steps.size() - 1);
    List<Integer> unstable = steps.stream().filter(s -> s.tpotCv() > limit).map(Step::concurrency).toList();
    String growth = String.format(Locale.ROOT, "Across the sweep the median grows with the batch from %.4g ms/token "
        + "at concurrency %d to %.4g ms/token at %d (%+.0f%%): each step decodes more sequences.", first.tpotMedian(),
        first.concurrency(), last.tpotMedian(), last.concurrency(), 100 * (last.tpotMedian() / first.tpotMedian() - 1));
    String table = steps.stream().map(Step::toString).collect(Collectors.joining("\n"));
    return unstable.isEmpty()
        ? new Finding(stableTitle, String.format(Locale.ROOT, "Within each step the reasoning chains' TPOT varies "
            + "little (worst coefficient of variation %.3f, at concurrency %d). %s", worst.tpotCv(),
            worst.concurrency(), growth), table)
        : new Finding("TPOT varies within the step at concurrency " + unstable, String.format(Locale.ROOT, "The "
            + "reasoning chains' TPOT varies by more than %.2f of its mean at concurrency %s (worst %.3f at %d): some "
            + "streams were slowed for part of their length, by the server or, on the lab, by a stall of the host. "
            + "%s", limit, unstable, worst.tpotCv(), worst.concurrency(), growth), table);
  }

  private static List<double[]> points(List<Step> steps, java.util.function.ToDoubleFunction<Step> y) {
    return steps.stream().filter(s -> !Double.isNaN(y.applyAsDouble(s)))
        .map(s -> new double[] {s.concurrency(), y.applyAsDouble(s)}).toList();
  }

  /** One step's load, its wall-clock window and sampler phase. */
  record Window(int concurrency, String phase, Instant start, Instant end, LoadResult result) {
  }

  /**
   * What one step measured.
   *
   * @param ttft first content token per complete request, GPU seconds
   * @param tpotMillis TPOT per complete long answer, GPU milliseconds per token
   * @param queueMean the direct sampler's time-averaged waiting queue
   * @param queueMax the direct sampler's largest waiting queue
   * @param queueSamples direct samples in the step
   * @param promMax Prometheus' {@code max_over_time} of the gauge over the step; NaN when it had none
   * @param promAvg Prometheus' {@code avg_over_time}; NaN when it had none
   */
  public record Step(int concurrency, LoadResult result, double[] ttft, double[] tpotMillis, double queueMean,
                     double queueMax, long queueSamples, double promMax, double promAvg) {
    public double ttftPercentile(double p) {
      return percentile(ttft, p);
    }

    public double tpotMedian() {
      return percentile(tpotMillis, 50);
    }

    public double tpotMean() {
      return Arrays.stream(tpotMillis).average().orElse(Double.NaN);
    }

    /** Coefficient of variation of the per-request TPOT: standard deviation over mean. */
    public double tpotCv() {
      double mean = tpotMean();
      double var = Arrays.stream(tpotMillis).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, tpotMillis.length - 1);
      return Math.sqrt(var) / mean;
    }

    /** Nearest-rank percentile; NaN when empty. */
    static double percentile(double[] values, double p) {
      if (values.length == 0) {
        return Double.NaN;
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(p / 100 * sorted.length);
      return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "concurrency %2d: n=%d, TTFT p50 %.3g s p95 %.3g s; TPOT p50 %.4g mean %.4g "
              + "ms/token (CV %.3f, n=%d); queue direct mean %.3f max %s (%d samples), Prometheus max %s avg %s", concurrency,
          ttft.length, ttftPercentile(50), ttftPercentile(95), tpotMedian(), tpotMean(), tpotCv(), tpotMillis.length, queueMean,
          PromEvidence.format(queueMax), queueSamples, PromEvidence.format(promMax), PromEvidence.format(promAvg));
    }
  }
}
