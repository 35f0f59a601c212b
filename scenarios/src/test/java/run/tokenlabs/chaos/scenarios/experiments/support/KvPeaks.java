package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.probes.api.MetricsSampler;
import run.tokenlabs.chaos.probes.api.PromDuration;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.SeriesStats;

/**
 * A model's KV-cache peak under a series of loads, read twice: by the direct sampler of its
 * {@code /metrics} and by Prometheus at its scrape interval, so a peak the scrape misses shows as a
 * finding. Each load runs as a fault ({@link BackgroundLoad}, stopped by its rollback) in a sampler
 * phase of its own name.
 */
public final class KvPeaks {
  /** vLLM's KV-cache usage gauge (0..1). */
  public static final String KV = "vllm:kv_cache_usage_perc";
  /** 20 Hz: twice the 10 Hz the reference run's gap asks for, a tenth of a core (probes README). */
  public static final Duration SAMPLE_EVERY = Duration.ofMillis(50);
  /** How the peak key numbers' names begin; the load's name and {@link #DIRECT} or {@link #VIA_PROMETHEUS} follow. */
  public static final String KV_PEAK = "KV cache peak (";
  public static final String DIRECT = "), direct sampler";
  public static final String VIA_PROMETHEUS = "), Prometheus";
  /** Prometheus saw "less" when its peak is under this share of the sampler's (2% relative: not float noise). */
  private static final double SAW_LESS = 0.98;

  private final Chaos chaos;
  private final MetricsSampler sampler;
  private final PrometheusProbes prometheus;
  private final Duration scrape;
  private final String model;
  private final String selector;
  private final List<Window> windows = new ArrayList<>();
  private final List<double[]> scraped = new ArrayList<>();

  public KvPeaks(Chaos chaos, MetricsSampler sampler, PrometheusProbes prometheus, Duration scrape, String model) {
    this.chaos = chaos;
    this.sampler = sampler;
    this.prometheus = prometheus;
    this.scrape = scrape;
    this.model = model;
    this.selector = KV + "{model_name=\"" + model + "\"}";
  }

  /** One load as a fault: started in its own sampler phase, awaited, its ledger and percentiles journaled. */
  public Window run(String name, LoadSpec spec) {
    BackgroundLoad load = BackgroundLoad.of(name, spec);
    sampler.phase(name);
    Instant start = Instant.now();
    chaos.inject(load);
    LoadResult result = load.awaitResult(LoadFigures.longestRun(spec));
    Instant end = Instant.now();
    chaos.evidence("load " + name, LoadFigures.table(result, GpuClock.of(chaos.target())));
    ChartEvidence.ledger(name, result).record(chaos);
    Window window = new Window(name, start, end, result);
    windows.add(window);
    return window;
  }

  /** Records the reference load's peaks: key numbers {@code KV cache peak (<load>)} and {@code ..., Prometheus}. */
  public Peak recordReference(Window w) {
    return record(w, KV_PEAK + w.phase() + ")");
  }

  /** Records a load's peaks: key numbers {@code KV cache peak (<load>), direct sampler} and {@code ..., Prometheus}. */
  public Peak record(Window w) {
    return record(w, KV_PEAK + w.phase() + DIRECT);
  }

  private Peak record(Window w, String directName) {
    Peak peak = new Peak(samplerPeak(w.phase()), prometheusPeak(w));
    SeriesStats sampled = peak.sampler();
    double rateHz = sampled.count() / Math.max(1e-3, Duration.between(sampled.first(), sampled.last()).toMillis()
        / 1000.0);
    chaos.record(new KeyNumber(directName, 100 * sampled.max(), "%", String.format(Locale.ROOT, "direct sampler of "
        + "/metrics, %d samples at %.0f Hz over the load; peak at %s", sampled.count(), rateHz, sampled.peakAt())));
    chaos.record(new KeyNumber(KV_PEAK + w.phase() + VIA_PROMETHEUS, 100 * peak.prometheus(), "%", "max_over_time "
        + "over the load's " + Duration.between(w.start(), w.end()).toMillis() / 1000.0 + " s window at a "
        + scrape.toMillis() / 1000.0 + " s scrape interval"));
    if (peak.prometheus() < SAW_LESS * sampled.max()) {
      chaos.record(prometheusSawLess(w.phase(), peak));
    }
    return peak;
  }

  /** The direct sampler's readings per phase, as evidence. */
  public void recordSamplerEvidence() {
    StringBuilder out = new StringBuilder("every " + SAMPLE_EVERY.toMillis() + " ms; " + sampler.scrapes()
        + " scrapes, " + sampler.failedScrapes() + " failed; gaps " + sampler.gaps() + "\n");
    for (String phase : sampler.phases()) {
      sampler.stats(KV, phase).values().stream().filter(s -> s.target().equals(model)).forEach(s -> out.append(
          String.format(Locale.ROOT, "%-18s n=%-5d min %s max %s mean %s peak at %s%n", phase, s.count(), pct(s.min()),
              pct(s.max()), pct(s.mean()), s.peakAt())));
    }
    chaos.evidence("direct sampler, " + KV + " of " + model, out.toString());
    chart().record(chaos);
  }

  /** KV-cache usage over the loads: the direct sampler's peak and mean per phase against Prometheus' points. */
  private ChartEvidence chart() {
    ChartEvidence chart = ChartEvidence.lines("KV-cache usage of " + model + ": direct sampler vs Prometheus")
        .x("time (UTC)", true).y("KV-cache usage (%)").note("direct sampler every " + SAMPLE_EVERY.toMillis()
            + " ms (peak and mean per load phase); Prometheus range query at its " + scrape.toMillis() / 1000.0
            + " s scrape interval");
    chart.series("Prometheus (scraped)", scraped, false, false);
    List<double[]> peaks = new ArrayList<>();
    for (Window w : windows) {
      chart.band(ChartEvidence.at(w.start()), ChartEvidence.at(w.end()), w.phase());
      sampler.stats(KV, w.phase()).values().stream().filter(s -> s.target().equals(model) && !Double.isNaN(s.max()))
          .forEach(s -> {
            peaks.add(new double[] {ChartEvidence.at(s.peakAt()), 100 * s.max()});
            chart.series("direct sampler mean, " + w.phase(), List.of(new double[] {ChartEvidence.at(s.first()),
                100 * s.mean()}, new double[] {ChartEvidence.at(s.last()), 100 * s.mean()}), false, false);
          });
    }
    return chart.series("direct sampler peak", peaks, false, true);
  }

  /** The peak of the model's KV gauge the direct sampler saw in a phase. */
  private SeriesStats samplerPeak(String phase) {
    return sampler.stats(KV, phase).values().stream().filter(s -> s.target().equals(model))
        .filter(s -> !Double.isNaN(s.max())).max(Comparator.comparingDouble(SeriesStats::max))
        .orElseThrow(() -> new AssertionError("The direct sampler recorded no " + KV + " of " + model + " during '"
            + phase + "' (" + sampler.scrapes() + " scrapes, " + sampler.failedScrapes() + " failed, gaps "
            + sampler.gaps() + ")"));
  }

  /**
   * What Prometheus saw: {@code max_over_time} of the KV gauge over the load's window, evaluated at the window's
   * end once a later scrape has landed. Its range query goes to the evidence.
   */
  private double prometheusPeak(Window w) {
    prometheus.series(selector).awaitScrapedAfter(w.end(), scrape.multipliedBy(4).plusSeconds(10));
    String promql = "max(max_over_time(" + selector + "[" + PromDuration.window(Duration.between(w.start(), w.end()))
        + "]))";
    QueryResult result = prometheus.client().query(promql, w.end());
    QueryResult range = prometheus.client().queryRange(selector, w.start(), w.end(), scrape);
    if (range instanceof QueryResult.Matrix m) {
      m.series().forEach(series -> series.points().forEach(p -> scraped.add(new double[] {ChartEvidence.at(p.time()),
          100 * p.value()})));
    }
    chaos.evidence("Prometheus, KV peak over the " + w.phase() + " window", PromEvidence.describe(promql, result)
        + PromEvidence.describe(selector, range));
    if (result instanceof QueryResult.Vector v && v.samples().size() == 1) {
      return v.samples().get(0).value();
    }
    throw new AssertionError("Prometheus has no " + selector + " over the " + w.phase() + " window: "
        + PromEvidence.describe(promql, result));
  }

  private Finding prometheusSawLess(String load, Peak peak) {
    return new Finding("Prometheus saw a lower KV peak than the direct sampler (" + load + ")",
        String.format(Locale.ROOT, "At a %.3g s scrape interval Prometheus' highest KV-cache reading over the %s "
            + "load was %s; the direct sampler saw %s. A threshold alert on the scraped gauge sees less pressure "
            + "than there was.", scrape.toMillis() / 1000.0, load, pct(peak.prometheus()), pct(peak.sampler().max())),
        "sampler " + peak.sampler());
  }

  /** {@code 12.34%} from a share. */
  public static String pct(double share) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * share);
  }

  /**
   * A load's name (also its sampler phase), its wall-clock window and what it measured.
   *
   * @param phase the load's name
   * @param start when it was injected
   * @param end when its result was in
   * @param result what it measured
   */
  public record Window(String phase, Instant start, Instant end, LoadResult result) {
  }

  /**
   * The peak of one load as each reader saw it.
   *
   * @param sampler the direct sampler's statistics of the phase (its max is the peak)
   * @param prometheus Prometheus' {@code max_over_time} over the window
   */
  public record Peak(SeriesStats sampler, double prometheus) {
  }
}
