package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;
import static run.tokenlabs.chaos.scenarios.experiments.GatewayStreams.DEEPSEEK;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.probes.api.Analysis;
import run.tokenlabs.chaos.probes.api.DcgmField;
import run.tokenlabs.chaos.probes.api.DcgmInventory;
import run.tokenlabs.chaos.probes.api.Point;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.RangeSeries;
import run.tokenlabs.chaos.probes.api.Sample;

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
class Dcgm2CausalChainIT {
  static final double R_MIN = 0.9;
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
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD,
      findings = {"NaN-only latency histogram", "memory-to-KV-pressure chain cut"},
      keyNumbers = {"power~util Pearson r", "power~util p-value", "power~util n", "sm_clock~util Pearson r",
          "NaN-only latency histograms"})
  @ExpectedOnLab(profile = "h200", verdict = Verdict.HELD, findings = {"NaN-only latency histogram"},
      keyNumbers = {"power~util Pearson r", "power~util p-value", "power~util n", "sm_clock~util Pearson r",
          "NaN-only latency histograms"})
  void powerTracksUtilisation(Chaos chaos, Probes probes) {
    PrometheusClient prometheus = probes.prometheus().client();
    Duration step = PromWindows.scrapeInterval(prometheus);
    awaitIdle(prometheus, step);
    Instant start = Instant.now();
    LoadResult load = varyingLoad(chaos);
    awaitIdle(prometheus, step);
    Instant end = Instant.now();
    PromWindows.awaitScrapedAfter(prometheus, UTIL, end, step.multipliedBy(3).plusSeconds(10));
    chaos.evidence("varying load", load.spec().endpoint() + ", Poisson arrivals ramping to "
        + ((run.tokenlabs.chaos.load.api.Loop.Open) load.spec().loop()).arrivals().ratePerSecond()
        + "/s over " + RAMP.toSeconds() + " s, " + LOAD.toSeconds() + " s in all: " + load.ledger()
        + "\nwindow " + start + " .. " + end + ", step " + step);

    Map<String, RangeSeries> util = byGpu(chaos, prometheus, UTIL, start, end, step);
    Map<String, RangeSeries> power = byGpu(chaos, prometheus, POWER, start, end, step);
    Map<String, RangeSeries> smClock = byGpu(chaos, prometheus, SM_CLOCK, start, end, step);
    List<String> loaded = util.entrySet().stream().filter(e -> span(e.getValue()) >= LOADED_UTIL_SPAN)
        .sorted((a, b) -> Double.compare(span(b.getValue()), span(a.getValue()))).map(Map.Entry::getKey).toList();

    Map<String, Analysis.Correlation> powerByGpu = new LinkedHashMap<>();
    StringBuilder table = new StringBuilder("GPU | util min..max | power~util | sm_clock~util\n");
    for (String gpu : util.keySet()) {
      RangeSeries u = util.get(gpu);
      table.append(gpu).append(" | ").append(PromWindows.format(min(u))).append("..").append(PromWindows.format(max(u)))
          .append(" | ");
      if (!loaded.contains(gpu)) {
        table.append("not reached by the load (utilisation span < ").append(PromWindows.format(LOADED_UTIL_SPAN))
            .append("): not correlated\n");
        continue;
      }
      Analysis.Correlation p = correlate(power.get(gpu), u, step);
      Analysis.Correlation s = correlate(smClock.get(gpu), u, step);
      powerByGpu.put(gpu, p);
      table.append(p).append(" | ").append(s).append('\n');
      if (gpu.equals(loaded.get(0))) {
        keyNumbers(chaos, gpu, "power~util", p, "0.998");
        keyNumbers(chaos, gpu, "sm_clock~util", s, "0.938");
        chaos.keyNumber("GPU utilisation peak", max(u), "%", gpu + ", during the varying load");
      }
    }
    chaos.evidence("correlations per GPU (Pearson with two-sided p, Spearman, n aligned pairs)", table.toString());

    nanOnlyHistograms(chaos, prometheus, start, end, step);
    memoryChain(chaos, probes, prometheus, start, end, step);

    assertThat(loaded).as("GPUs the varying load reached (utilisation span >= %s points): %s",
        PromWindows.format(LOADED_UTIL_SPAN), util.entrySet().stream()
            .map(e -> e.getKey() + " " + PromWindows.format(min(e.getValue())) + ".." + PromWindows.format(max(e.getValue())))
            .toList()).isNotEmpty();
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
    AtomicReference<String> last = new AtomicReference<>("no answer");
    try {
      await("every GPU idle (" + promql + " <= " + IDLE_UTIL + ")").atMost(step.multipliedBy(10).plusSeconds(30))
          .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).until(() -> {
            QueryResult r = prometheus.query(promql);
            if (r instanceof QueryResult.Vector v && v.samples().size() == 1) {
              last.set(PromWindows.format(v.samples().get(0).value()));
              return v.samples().get(0).value() <= IDLE_UTIL;
            }
            last.set("no data");
            return false;
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("The GPUs did not go idle (" + promql + " <= " + IDLE_UTIL + "); last " + last.get()
          + ": something else loads them, so the window would not show this experiment's load alone", e);
    }
  }

  private static Map<String, RangeSeries> byGpu(Chaos chaos, PrometheusClient prometheus, String metric, Instant start,
                                                Instant end, Duration step) {
    String promql = "max by (Hostname, gpu) (" + metric + ")";
    QueryResult.Matrix matrix = prometheus.queryRange(promql, start, end, step);
    chaos.evidence(metric + " per GPU", PromWindows.describe(promql, matrix));
    Map<String, RangeSeries> out = new LinkedHashMap<>();
    matrix.series().forEach(s -> out.put(PromWindows.gpuKey(s.labels()), s));
    return out;
  }

  private static Analysis.Correlation correlate(RangeSeries signal, RangeSeries util, Duration step) {
    assertThat(signal).as("a series aligned with %s", util.labels()).isNotNull();
    return Analysis.correlate(Analysis.align(signal, util, step.dividedBy(2)));
  }

  private static void keyNumbers(Chaos chaos, String gpu, String pair, Analysis.Correlation c, String reference) {
    String note = gpu + ", range queries at the scrape interval, aligned; " + c + "; reference run: r=" + reference;
    chaos.keyNumber(pair + " Pearson r", round(c.pearson(), 4), "r", note);
    chaos.keyNumber(pair + " p-value", c.pearsonP(), "p", "two-sided, t distribution with n-2 df (below double "
        + "precision it reads 0); " + note);
    chaos.keyNumber(pair + " n", c.n(), "aligned pairs", note);
  }

  /**
   * Reads every vLLM / SGLang latency histogram as a p95 over the window and reports those that are
   * NaN at every step, with each one's observation count (no observation: the quantile is 0/0).
   */
  private static void nanOnlyHistograms(Chaos chaos, PrometheusClient prometheus, Instant start, Instant end,
                                        Duration step) {
    Duration rateWindow = step.multipliedBy(4);
    Instant from = start.plus(rateWindow); // every rate window inside this experiment's own window
    String window = PromWindows.promDuration(Duration.between(from, end));
    TreeSet<String> families = new TreeSet<>();
    families.add("sglang:e2e_request_latency_seconds"); // the reference run's 100% NaN histogram, checked by name
    if (prometheus.query("count by (__name__) ({__name__=~\"(vllm|sglang):.+_seconds_bucket\"})")
        instanceof QueryResult.Vector v) {
      v.samples().forEach(s -> families.add(s.labels().get("__name__").replaceFirst("_bucket$", "")));
    }
    List<String> nanOnly = new ArrayList<>();
    StringBuilder table = new StringBuilder("histogram | p95 points | NaN points | observations in window\n");
    for (String family : families) {
      String p95 = "histogram_quantile(0.95, sum by (le) (rate(" + family + "_bucket[" + PromWindows.promDuration(rateWindow)
          + "])))";
      QueryResult.Matrix matrix = prometheus.queryRange(p95, from, end, step);
      Optional<RangeSeries> series = matrix.series().stream().findFirst();
      String observations = single(prometheus, "sum(increase(" + family + "_count[" + window + "]))", end);
      long nan = series.map(s -> s.points().stream().filter(p -> Double.isNaN(p.value())).count()).orElse(0L);
      table.append(family).append(" | ").append(series.map(s -> s.points().size()).orElse(0)).append(" | ")
          .append(nan).append(" | ").append(observations).append('\n');
      if (series.isPresent() && Analysis.nanThroughout(series.get())) {
        nanOnly.add(family + " (" + observations + " observations)");
      }
    }
    chaos.evidence("latency histograms, p95 over the window", "PromQL per family: histogram_quantile(0.95, sum by (le) "
        + "(rate(<family>_bucket[" + PromWindows.promDuration(rateWindow) + "]))), from " + from + " to " + end
        + "; a family with no p95 points is not exported (no data), which is not NaN\n" + table);
    chaos.keyNumber("NaN-only latency histograms", nanOnly.size(), "histograms", "of " + families.size()
        + " vLLM/SGLang latency histograms, p95 NaN at every step of the window: " + nanOnly);
    if (!nanOnly.isEmpty()) {
      chaos.finding("NaN-only latency histogram", nanOnly.size() + " latency histogram(s) read NaN at every step of the "
          + Duration.between(from, end).toSeconds() + " s window: " + nanOnly + ". A quantile over a rate with no "
          + "observation is 0/0: their model served no request in the window, so a p95 panel shows NaN (or nothing), "
          + "never a latency, as the reference run's SGLang e2e latency histogram (100% NaN). Read NaN as 'no "
          + "observations', never as 0 or as a broken exporter; alert on absent traffic separately.", table.toString());
    }
  }

  /** The chain GPU memory -> KV-cache pressure needs FB_USED / FB_FREE; without them it is cut. */
  private static void memoryChain(Chaos chaos, Probes probes, PrometheusClient prometheus, Instant start, Instant end,
                                  Duration step) {
    DcgmInventory.Comparison fb = probes.dcgm().inventory().compareTo(DcgmField.FB_MEMORY);
    if (!fb.complete()) {
      chaos.finding("memory-to-KV-pressure chain cut", "DCGM does not export frame-buffer memory ("
          + DcgmField.DCGM_FI_DEV_FB_USED.describe() + ", " + DcgmField.DCGM_FI_DEV_FB_FREE.describe() + "): " + fb
          + ". Utilisation, power and clocks can be followed, but GPU memory cannot be correlated with "
          + "vllm:kv_cache_usage_perc or preemptions, so approaching memory limits stay invisible.", fb.toString());
      return;
    }
    String promql = "max by (Hostname, gpu) (DCGM_FI_DEV_FB_USED)";
    QueryResult.Matrix used = prometheus.queryRange(promql, start, end, step);
    String kv = "max(vllm:kv_cache_usage_perc)";
    chaos.evidence("memory link of the chain", PromWindows.describe(promql, used)
        + PromWindows.describe(kv, prometheus.queryRange(kv, start, end, step))
        + "FB_USED is exported. vLLM preallocates gpu_memory_utilization of memory at start, so FB_USED shows which "
        + "engines are loaded, not KV usage: follow KV pressure with vllm:kv_cache_usage_perc.");
  }

  private static String single(PrometheusClient prometheus, String promql, Instant at) {
    if (prometheus.query(promql, at) instanceof QueryResult.Vector v && v.samples().size() == 1) {
      Sample s = v.samples().get(0);
      return PromWindows.format(s.value());
    }
    return "no data";
  }

  private static double span(RangeSeries s) {
    return max(s) - min(s);
  }

  private static double min(RangeSeries s) {
    return s.points().stream().mapToDouble(Point::value).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
  }

  private static double max(RangeSeries s) {
    return s.points().stream().mapToDouble(Point::value).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Double.isNaN(v) ? v : Math.round(v * f) / f;
  }
}
