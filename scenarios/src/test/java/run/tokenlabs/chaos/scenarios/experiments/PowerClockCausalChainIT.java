package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;
import static run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams.DEEPSEEK;
import static run.tokenlabs.chaos.scenarios.experiments.support.SeriesValues.max;
import static run.tokenlabs.chaos.scenarios.experiments.support.SeriesValues.range;
import static run.tokenlabs.chaos.scenarios.experiments.support.SeriesValues.span;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Loop;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.probes.api.Analysis;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.DcgmField;
import run.tokenlabs.chaos.probes.api.DcgmInventory;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.RangeSeries;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.GpuCharts;
import run.tokenlabs.chaos.scenarios.experiments.support.NanOnlyHistograms;
import run.tokenlabs.chaos.scenarios.experiments.support.PromEvidence;

/**
 * DCGM-2 of the reference run, the causal chain from load to the GPU's physical signals: under a
 * varying load (an open loop whose rate ramps up from zero, then stops), power and SM clock are read
 * against utilisation as range queries, aligned on time, and correlated (Pearson r with its p-value
 * and n; reference: power~util r = 0.998, sm_clock~util r = 0.938). Hypothesis: power tracks
 * utilisation (r >= {@value #R_MIN}) on every GPU the load reached.
 *
 * <p>Two data-quality checks go with it. Every model-server latency histogram is read as a p95 over
 * the window, and one that is NaN at every step is a finding (the reference run's SGLang e2e latency
 * histogram was 100% NaN); what is reported is what the target exports, with each histogram's
 * observation count as evidence. And without FB_USED / FB_FREE the chain cannot be followed from GPU
 * memory to KV-cache pressure: that gap is a finding too.
 */
@ChaosExperiment(id = "DCGM-2", title = "Causal chain: power and SM clock track GPU utilisation under a varying load",
    recoverySeconds = 30)
class PowerClockCausalChainIT {
  static final double R_MIN = 0.9;
  static final String POWER_UTIL = "power~util";
  static final String CLOCK_UTIL = "sm_clock~util";
  static final String PEARSON = " Pearson r";
  static final String P_VALUE = " p-value";
  static final String PAIRS = " n";
  static final String NAN_ONLY = "NaN-only latency histogram";
  static final String NAN_ONLY_COUNT = NAN_ONLY + "s";
  static final String CHAIN_CUT = "memory-to-KV-pressure chain cut";
  private static final String UTIL = "DCGM_FI_DEV_GPU_UTIL";
  private static final String POWER = "DCGM_FI_DEV_POWER_USAGE";
  private static final String SM_CLOCK = "DCGM_FI_DEV_SM_CLOCK";
  /** A GPU counts as reached by the load when its utilisation spans at least this many points. */
  private static final double LOADED_UTIL_SPAN = 20;
  private static final double IDLE_UTIL = 5;
  private static final Duration RAMP = Duration.ofSeconds(10);
  private static final Duration LOAD = Duration.ofSeconds(14);

  @SteadyState
  Hypothesis gpuSignalsScraped(Probes probes) {
    return Hypothesis.of("DCGM utilisation, power and SM clock are scraped",
        probes.prometheus().instant("count(" + UTIL + ")").is(atLeast(1)),
        probes.prometheus().instant("count(" + POWER + ")").is(atLeast(1)),
        probes.prometheus().instant("count(" + SM_CLOCK + ")").is(atLeast(1)));
  }

  @Test
  @DisplayName("under a varying load, power tracks GPU utilisation (Pearson r >= 0.9); SM clock correlation, NaN-only "
      + "histograms and the FB memory gap reported")
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, findings = {NAN_ONLY, CHAIN_CUT},
      keyNumbers = {POWER_UTIL + PEARSON, POWER_UTIL + P_VALUE, POWER_UTIL + PAIRS, CLOCK_UTIL + PEARSON, NAN_ONLY_COUNT})
  @ExpectedOnLab(profile = "h200", verdict = Verdict.HELD, findings = {NAN_ONLY},
      keyNumbers = {POWER_UTIL + PEARSON, POWER_UTIL + P_VALUE, POWER_UTIL + PAIRS, CLOCK_UTIL + PEARSON, NAN_ONLY_COUNT})
  void powerTracksUtilisation(Chaos chaos, Probes probes) {
    PrometheusProbes probing = probes.prometheus().pollingEvery(Duration.ofMillis(250));
    PrometheusClient prometheus = probing.client();
    Duration step = probing.scrapeInterval();
    awaitIdle(prometheus, step);
    Instant start = Instant.now();
    LoadResult load = varyingLoad(chaos);
    awaitIdle(prometheus, step);
    Instant end = Instant.now();
    probing.series(UTIL).awaitScrapedAfter(end, step.multipliedBy(3).plusSeconds(10));
    chaos.evidence("varying load", load.spec().endpoint() + ", Poisson arrivals ramping to "
        + ((Loop.Open) load.spec().loop()).arrivals().ratePerSecond() + "/s over " + RAMP.toSeconds() + " s, "
        + LOAD.toSeconds() + " s in all: " + load.ledger() + "\nwindow " + start + " .. " + end + ", step " + step);

    Map<String, RangeSeries> util = byGpu(chaos, prometheus, UTIL, start, end, step);
    Map<String, RangeSeries> power = byGpu(chaos, prometheus, POWER, start, end, step);
    Map<String, RangeSeries> smClock = byGpu(chaos, prometheus, SM_CLOCK, start, end, step);
    List<String> loaded = util.entrySet().stream().filter(e -> span(e.getValue()) >= LOADED_UTIL_SPAN)
        .sorted((a, b) -> Double.compare(span(b.getValue()), span(a.getValue()))).map(Map.Entry::getKey).toList();

    Map<String, Analysis.Correlation> powerByGpu = new LinkedHashMap<>();
    StringBuilder table = new StringBuilder("GPU | util min..max | power~util | sm_clock~util\n");
    for (String gpu : util.keySet()) {
      RangeSeries u = util.get(gpu);
      table.append(gpu).append(" | ").append(range(u)).append(" | ");
      if (!loaded.contains(gpu)) {
        table.append("not reached by the load (utilisation span < ").append(PromEvidence.format(LOADED_UTIL_SPAN))
            .append("): not correlated\n");
        continue;
      }
      Analysis.Correlation p = correlate(power.get(gpu), u, step);
      Analysis.Correlation s = correlate(smClock.get(gpu), u, step);
      powerByGpu.put(gpu, p);
      table.append(p).append(" | ").append(s).append('\n');
      if (gpu.equals(loaded.get(0))) {
        recordCorrelation(chaos, gpu, POWER_UTIL, p, "0.998");
        recordCorrelation(chaos, gpu, CLOCK_UTIL, s, "0.938");
        chaos.record(new KeyNumber("GPU utilisation peak", max(u), "%", gpu + ", during the varying load"));
        GpuCharts.againstUtilisation(chaos, gpu, "power (W)", power.get(gpu), u, step, p);
        GpuCharts.againstUtilisation(chaos, gpu, "SM clock (MHz)", smClock.get(gpu), u, step, s);
      }
    }
    chaos.evidence("correlations per GPU (Pearson with two-sided p, Spearman, n aligned pairs)", table.toString());

    NanOnlyHistograms histograms = NanOnlyHistograms.read(prometheus, start, end, step);
    chaos.evidence("latency histograms, p95 over the window", histograms.evidence());
    chaos.record(new KeyNumber(NAN_ONLY_COUNT, histograms.nanOnly().size(), "histograms", "of "
        + histograms.families().size() + " vLLM/SGLang latency histograms, p95 NaN at every step of the window: "
        + histograms.nanOnly()));
    if (!histograms.nanOnly().isEmpty()) {
      chaos.record(nanOnly(histograms));
    }
    DcgmInventory.Comparison fb = probes.dcgm().inventory().compareTo(DcgmField.FB_MEMORY);
    if (fb.complete()) {
      memoryLink(chaos, prometheus, start, end, step);
    } else {
      chaos.record(chainCut(fb));
    }

    assertThat(loaded).as("GPUs the varying load reached (utilisation span >= %s points): %s",
        PromEvidence.format(LOADED_UTIL_SPAN), util.entrySet().stream()
            .map(e -> e.getKey() + " " + range(e.getValue())).toList()).isNotEmpty();
    powerByGpu.forEach((gpu, c) -> assertThat(c.pearson())
        .as("power~util Pearson r on %s (%s): power tracks utilisation", gpu, c).isGreaterThanOrEqualTo(R_MIN));
  }

  /**
   * Poisson arrivals on DeepSeek through the gateway, the rate ramping from 0 to 12/s over 10 s, for 14 s, each
   * request 512 output tokens: the GB10 saturates within seconds and falls back to idle at the end, the (14 times
   * faster) H200 reaches about half its capacity, so both show utilisation spanning a wide range.
   */
  private static LoadResult varyingLoad(Chaos chaos) {
    return Load.openLoop(GatewayStreams.completions(chaos.target(), DEEPSEEK).withIgnoreEos(true),
            Arrivals.poisson(12).withRampUp(RAMP).withSeed(2))
        .withWorkload(Bucket.of("chain", 256, 512))
        .withBounds(new Bounds(LOAD, 400, Duration.ofSeconds(30)))
        .withProgress(Progress.none())
        .run();
  }

  private static void awaitIdle(PrometheusClient prometheus, Duration step) {
    String promql = "max(" + UTIL + ")";
    Awaiting.reading("every GPU idle (" + promql + " <= " + PromEvidence.format(IDLE_UTIL) + ")",
            () -> new Utilisation(prometheus.query(promql) instanceof QueryResult.Vector v && v.samples().size() == 1
                ? Optional.of(v.samples().get(0).value()) : Optional.empty()))
        .atMost(step.multipliedBy(10).plusSeconds(30)).pollEvery(Duration.ofMillis(250))
        .onTimeout("something else loads them, so the window would not show this experiment's load alone")
        .until(u -> u.max().filter(max -> max <= IDLE_UTIL).isPresent());
  }

  private static Map<String, RangeSeries> byGpu(Chaos chaos, PrometheusClient prometheus, String metric, Instant start,
                                                Instant end, Duration step) {
    String promql = "max by (Hostname, gpu) (" + metric + ")";
    QueryResult.Matrix matrix = prometheus.queryRange(promql, start, end, step);
    chaos.evidence(metric + " per GPU", PromEvidence.describe(promql, matrix));
    Map<String, RangeSeries> out = new LinkedHashMap<>();
    matrix.series().forEach(s -> out.put(PromEvidence.gpuKey(s.labels()), s));
    return out;
  }

  private static Analysis.Correlation correlate(RangeSeries signal, RangeSeries util, Duration step) {
    assertThat(signal).as("a series aligned with %s", util.labels()).isNotNull();
    return Analysis.correlate(Analysis.align(signal, util, step.dividedBy(2)));
  }

  private static void recordCorrelation(Chaos chaos, String gpu, String pair, Analysis.Correlation c, String reference) {
    String note = gpu + ", range queries at the scrape interval, aligned; " + c + "; reference run: r=" + reference;
    chaos.record(new KeyNumber(pair + PEARSON, round(c.pearson(), 4), "r", note));
    chaos.record(new KeyNumber(pair + P_VALUE, c.pearsonP(), "p", "two-sided, t distribution with n-2 df (below double "
        + "precision it reads 0); " + note));
    chaos.record(new KeyNumber(pair + PAIRS, c.n(), "aligned pairs", note));
  }

  /** FB_USED is exported: the memory link of the chain as evidence. */
  private static void memoryLink(Chaos chaos, PrometheusClient prometheus, Instant start, Instant end, Duration step) {
    String promql = "max by (Hostname, gpu) (DCGM_FI_DEV_FB_USED)";
    String kv = "max(vllm:kv_cache_usage_perc)";
    chaos.evidence("memory link of the chain", PromEvidence.describe(promql, prometheus.queryRange(promql, start, end,
        step)) + PromEvidence.describe(kv, prometheus.queryRange(kv, start, end, step)) + "FB_USED is exported. vLLM "
        + "preallocates gpu_memory_utilization of memory at start, so FB_USED shows which engines are loaded, not KV "
        + "usage: follow KV pressure with vllm:kv_cache_usage_perc.");
  }

  static Finding nanOnly(NanOnlyHistograms histograms) {
    return new Finding(NAN_ONLY, histograms.nanOnly().size() + " latency histogram(s) read NaN at every step of the "
        + histograms.window().toSeconds() + " s window: " + histograms.nanOnly() + ". A quantile over a rate with no "
        + "observation is 0/0: their model served no request in the window, so a p95 panel shows NaN (or nothing), "
        + "never a latency, as the reference run's SGLang e2e latency histogram (100% NaN). Read NaN as 'no "
        + "observations', never as 0 or as a broken exporter; alert on absent traffic separately.",
        histograms.evidence());
  }

  /** Without FB_USED / FB_FREE the chain GPU memory -> KV-cache pressure is cut. */
  static Finding chainCut(DcgmInventory.Comparison fb) {
    return new Finding(CHAIN_CUT, "DCGM does not export frame-buffer memory (" + DcgmField.DCGM_FI_DEV_FB_USED.describe()
        + ", " + DcgmField.DCGM_FI_DEV_FB_FREE.describe() + "): " + fb + ". Utilisation, power and clocks can be "
        + "followed, but GPU memory cannot be correlated with vllm:kv_cache_usage_perc or preemptions, so approaching "
        + "memory limits stay invisible.", fb.toString());
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Double.isNaN(v) ? v : Math.round(v * f) / f;
  }

  /** The highest GPU utilisation Prometheus reports now; empty when it reports none. */
  private record Utilisation(Optional<Double> max) {
    @Override
    public String toString() {
      return max.map(PromEvidence::format).orElse("no data");
    }
  }
}
