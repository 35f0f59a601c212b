package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static run.tokenlabs.chaos.api.Tolerance.atMost;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.probes.api.MetricsSampler;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.SeriesStats;

/**
 * FAILURE-1 of the reference run, done as its finding 02 asked: KV-cache pressure from 50+ concurrent sessions
 * of 32k-token contexts with slow readers, which the reference run's load generator could not make. The peak
 * is read twice, by the direct sampler of the model server's {@code /metrics} (20 Hz) and by Prometheus at its
 * scrape interval, so a peak the scrape misses shows as a finding. The reference run's own load (12 sessions x
 * 700 prompt tokens) runs first, to show why it saw 2%.
 *
 * <p>Hypothesis: under a cache overflow the server degrades gracefully. Requests wait and are preempted
 * (RECOMPUTE), TTFT grows, but no request is lost or answered with a 5xx, and once the load ends the cache
 * drains and the queue empties. A lost or unaccounted request, a 5xx, or no recovery is a deviation; so is a
 * pressure load that causes no preemption (then it tested nothing).
 *
 * <p>Slow readers (one chunk per 10 ms of wall time) keep each session's stream open long after the server
 * finished it; like vLLM, the simulator frees KV blocks when generation ends, so they lengthen sessions, not
 * the cache hold. The pressure comes from the contexts: 64 x (32 768 + 256) tokens against about 1.67 M tokens of
 * KV on gb10 (FACTS).
 */
@ChaosExperiment(id = "FAILURE-1", title = "KV-cache pressure: 64 sessions of 32k-token contexts degrade gracefully",
    recoverySeconds = 60)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD,
    findings = {"Reference load (12 x 700) too light", "KV cache overflow at 64 x 32k"},
    keyNumbers = {"KV cache peak (12 x 700)", "KV cache peak (64 x 32k), direct sampler",
        "KV cache peak (64 x 32k), Prometheus", "Preemptions (64 x 32k)", "TTFT p50, baseline",
        "TTFT p95, baseline", "TTFT p50 under KV pressure", "TTFT p95 under KV pressure", "Requests lost"})
class Failure1KvPressureIT {
  /** System property: concurrent sessions of the pressure load; 64 by default (the next-run scope says 50+). */
  static final String SESSIONS_PROPERTY = "tokenlabs.failure1.sessions";
  private static final String MODEL = GatewayStreams.DEEPSEEK;
  private static final String KV = "vllm:kv_cache_usage_perc";
  private static final String KV_SELECTOR = KV + "{model_name=\"" + MODEL + "\"}";
  private static final String PREEMPTIONS = "vllm:num_preemptions_total";
  /** 20 Hz: twice the 10 Hz the reference run's gap asks for, a tenth of a core (probes README). */
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(50);
  private static final Duration SLOW_READER = Duration.ofMillis(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  /** Prometheus saw "less" when its peak is under this share of the sampler's (2% relative: not float noise). */
  private static final double SAW_LESS = 0.98;
  /** Below this peak a load builds no KV pressure worth the name (the cascade threshold is 95%). */
  private static final double TOO_LIGHT = 0.10;

  @SteadyState
  Hypothesis idle(Probes probes) {
    return Hypothesis.of(MODEL + " is idle: KV cache near empty and nothing queued",
        probes.vllm().metric(MODEL, KV).is(atMost(0.01)),
        probes.vllm().metric(MODEL, "vllm:num_requests_waiting").is(atMost(0)));
  }

  @Test
  void kvPressureDegradesGracefully(Chaos chaos, Probes probes) throws Exception {
    int sessions = ExperimentProperties.positiveInt(SESSIONS_PROPERTY, 64, 1024);
    String pressureName = sessions + " x 32k";
    GpuClock clock = GpuClock.of(chaos.target());
    Endpoint endpoint = GatewayStreams.completions(chaos.target(), MODEL);
    Bucket longContext = Bucket.longContext().withSlowReader(SLOW_READER);
    PrometheusClient prometheus = probes.prometheus().client();
    Duration scrape = PromWindows.scrapeInterval(prometheus);

    try (MetricsSampler sampler = probes.vllm().sampler().interval(SAMPLE_EVERY).firstPhase("idle").start()) {
      // The reference run's load: 12 sessions, 700-token prompts, R1 reasoning outputs (up to 2048 tokens).
      Window reference = run(chaos, sampler, "12 x 700", Load.closedLoop(endpoint, 12)
          .withWorkload(Bucket.of("ref", 700, 2048))
          .withBounds(new Bounds(Duration.ofSeconds(30), 12, REQUEST_TIMEOUT)));
      // TTFT without pressure: the same 32k requests from two sessions; 8 requests are a short baseline (its p95
      // is near its maximum). No slow reader: the pace applies after the first chunk, so TTFT is the same, and the
      // baseline takes a second instead of ten.
      Window baseline = run(chaos, sampler, "baseline 2 x 32k", Load.closedLoop(endpoint, 2)
          .withWorkload(Bucket.longContext()).withBounds(new Bounds(Duration.ofSeconds(30), 8, REQUEST_TIMEOUT)));
      double preemptionsBefore = counter(probes, PREEMPTIONS);
      // Two requests per session keep the cache full while the first ones drain; bounded in count and time.
      Window pressure = run(chaos, sampler, pressureName, Load.closedLoop(endpoint, sessions)
          .withWorkload(longContext).withBounds(new Bounds(Duration.ofSeconds(40), 2L * sessions, REQUEST_TIMEOUT)));
      double preemptions = counter(probes, PREEMPTIONS) - preemptionsBefore;
      sampler.phase("after");
      Duration drained = awaitDrained(probes, pressure.end());

      SeriesStats referencePeak = samplerPeak(sampler, reference.phase());
      SeriesStats pressurePeak = samplerPeak(sampler, pressure.phase());
      double referenceProm = prometheusPeak(chaos, prometheus, reference, scrape);
      double pressureProm = prometheusPeak(chaos, prometheus, pressure, scrape);
      chaos.evidence("direct sampler, " + KV + " of " + MODEL, samplerEvidence(sampler));
      chaos.evidence("Prometheus, preemptions over the " + pressureName + " window",
          PromWindows.describe(preemptionIncrease(pressure), prometheus.query(preemptionIncrease(pressure), pressure.end())));

      recordPeaks(chaos, "12 x 700", reference, referencePeak, referenceProm, scrape);
      recordPeaks(chaos, pressureName, pressure, pressurePeak, pressureProm, scrape);
      chaos.keyNumber("Preemptions (" + pressureName + ")", preemptions, "preemptions",
          PREEMPTIONS + " increase read from the model server before and after the load; "
              + pressure.result().ledger().scheduled() + " requests");
      double baseP50 = LoadFigures.seconds(baseline.result().histograms("C").ttftMicros(), 50, clock);
      double baseP95 = LoadFigures.seconds(baseline.result().histograms("C").ttftMicros(), 95, clock);
      double pressP50 = LoadFigures.seconds(pressure.result().histograms("C").ttftMicros(), 50, clock);
      double pressP95 = LoadFigures.seconds(pressure.result().histograms("C").ttftMicros(), 95, clock);
      String baseNote = "32k-token prompts, 2 sessions, n=" + LoadFigures.complete(baseline.result(), "C") + "; " + clock.how();
      String pressNote = pressureName + ", n=" + LoadFigures.complete(pressure.result(), "C") + "; " + clock.how();
      chaos.keyNumber("TTFT p50, baseline (32k, 2 sessions)", baseP50, "s", baseNote);
      chaos.keyNumber("TTFT p95, baseline (32k, 2 sessions)", baseP95, "s", baseNote + "; a short baseline: p95 is near the maximum");
      chaos.keyNumber("TTFT p50 under KV pressure", pressP50, "s", pressNote);
      chaos.keyNumber("TTFT p95 under KV pressure", pressP95, "s", pressNote);
      chaos.keyNumber("TTFT p95 degradation under KV pressure", pressP95 / baseP95, "x", "p95 under pressure / baseline p95");
      chaos.keyNumber("Requests lost (" + pressureName + ")", pressure.result().ledger().unaccounted(), "requests",
          "scheduled " + pressure.result().ledger().scheduled() + " minus accounted; " + pressure.result().ledger());
      chaos.keyNumber("KV cache back under 1% after the load", drained.toMillis() / 1000.0, "s",
          "wall time from the load's last request to KV <= 1% and no waiting request");

      if (referencePeak.max() < TOO_LIGHT) {
        chaos.finding("Reference load (12 x 700) too light to build KV pressure",
            String.format(Locale.ROOT, "12 concurrent sessions of 700-token prompts with R1 reasoning outputs peaked at "
                + "%.2f%% of the KV cache (direct sampler), as the reference run's 1.98%%; the 95%% cascade threshold "
                + "needs long contexts at high concurrency: %s reached %.1f%%.", 100 * referencePeak.max(),
                pressureName, 100 * pressurePeak.max()),
            "sampler peak " + referencePeak + "; Prometheus peak " + pct(referenceProm));
      }
      // The hypothesis: pressure really happened, and the server degraded gracefully.
      assertThat(preemptions).as("preemptions during %s: without them the load built no pressure (KV peak %s)",
          pressureName, pct(pressurePeak.max())).isPositive();
      for (Window w : new Window[] {reference, baseline, pressure}) {
        LoadFigures.assertNothingLost(w.result(), w.phase());
        assertThat(LoadFigures.serverErrors(w.result())).as("5xx answers in load '%s': %s", w.phase(),
            w.result().ledger().byHttpStatus()).isZero();
      }
      long notComplete = pressure.result().ledger().scheduled() - pressure.result().ledger().count(Outcome.COMPLETE);
      chaos.finding("KV cache overflow at " + pressureName + " degrades gracefully",
          String.format(Locale.ROOT, "%s sessions of 32k-token contexts filled the KV cache to %.1f%% (direct "
              + "sampler) and caused %.0f RECOMPUTE preemptions; TTFT p95 rose from %.3g s to %.3g s (%.1fx). "
              + "No request was lost and none got a 5xx; %d of %d did not complete (%s).", sessions,
              100 * pressurePeak.max(), preemptions, baseP95, pressP95, pressP95 / baseP95, notComplete,
              pressure.result().ledger().scheduled(), pressure.result().ledger()),
          LoadFigures.table(pressure.result(), clock));
    }
  }

  /** One load as a fault: started, awaited, its ledger and percentiles journaled; its window remembered. */
  private static Window run(Chaos chaos, MetricsSampler sampler, String name, LoadSpec spec) {
    BackgroundLoad load = BackgroundLoad.of(name, spec);
    sampler.phase(name);
    Instant start = Instant.now();
    chaos.inject(load);
    LoadResult result = load.awaitResult(longestRun(spec));
    Instant end = Instant.now();
    chaos.evidence("load " + name, LoadFigures.table(result, GpuClock.of(chaos.target())));
    return new Window(name, start, end, result);
  }

  /** A load ends by itself within duration + request timeout once started; its prompts take a few seconds more. */
  static Duration longestRun(LoadSpec spec) {
    return spec.bounds().duration().plus(spec.bounds().requestTimeout()).plusSeconds(30);
  }

  /** The peak of the model's KV gauge the direct sampler saw in a phase. */
  private static SeriesStats samplerPeak(MetricsSampler sampler, String phase) {
    return sampler.stats(KV, phase).values().stream().filter(s -> s.target().equals(MODEL))
        .filter(s -> !Double.isNaN(s.max())).max(Comparator.comparingDouble(SeriesStats::max))
        .orElseThrow(() -> new AssertionError("The direct sampler recorded no " + KV + " of " + MODEL + " during '"
            + phase + "' (" + sampler.scrapes() + " scrapes, " + sampler.failedScrapes() + " failed, gaps "
            + sampler.gaps() + ")"));
  }

  /**
   * What Prometheus saw: {@code max_over_time} of the KV gauge over the load's window, evaluated at the window's
   * end once a later scrape has landed. Its range query goes to the evidence.
   */
  private static double prometheusPeak(Chaos chaos, PrometheusClient prometheus, Window w, Duration scrape) {
    PromWindows.awaitScrapedAfter(prometheus, KV_SELECTOR, w.end(), scrape.multipliedBy(4).plusSeconds(10));
    String promql = "max(max_over_time(" + KV_SELECTOR + "[" + PromWindows.promDuration(Duration.between(w.start(),
        w.end())) + "]))";
    QueryResult result = prometheus.query(promql, w.end());
    String range = KV_SELECTOR;
    chaos.evidence("Prometheus, KV peak over the " + w.phase() + " window", PromWindows.describe(promql, result)
        + PromWindows.describe(range, prometheus.queryRange(range, w.start(), w.end(), scrape)));
    if (result instanceof QueryResult.Vector v && v.samples().size() == 1) {
      return v.samples().get(0).value();
    }
    throw new AssertionError("Prometheus has no " + KV_SELECTOR + " over the " + w.phase() + " window: "
        + PromWindows.describe(promql, result));
  }

  private static void recordPeaks(Chaos chaos, String load, Window w, SeriesStats sampled, double prometheus,
                                  Duration scrape) {
    double rateHz = sampled.count() / Math.max(1e-3, Duration.between(sampled.first(), sampled.last()).toMillis() / 1000.0);
    chaos.keyNumber("KV cache peak (" + load + ")" + (load.equals("12 x 700") ? "" : ", direct sampler"),
        100 * sampled.max(), "%", String.format(Locale.ROOT, "direct sampler of /metrics, %d samples at %.0f Hz over "
            + "the load; peak at %s", sampled.count(), rateHz, sampled.peakAt()));
    chaos.keyNumber("KV cache peak (" + load + "), Prometheus", 100 * prometheus, "%",
        "max_over_time over the load's " + Duration.between(w.start(), w.end()).toMillis() / 1000.0
            + " s window at a " + scrape.toMillis() / 1000.0 + " s scrape interval");
    if (prometheus < SAW_LESS * sampled.max()) {
      chaos.finding("Prometheus saw a lower KV peak than the direct sampler (" + load + ")",
          String.format(Locale.ROOT, "At a %.3g s scrape interval Prometheus' highest KV-cache reading over the %s "
              + "load was %s; the direct sampler saw %s. A threshold alert on the scraped gauge sees less pressure "
              + "than there was.", scrape.toMillis() / 1000.0, load, pct(prometheus), pct(sampled.max())),
          "sampler " + sampled);
    }
  }

  private static String preemptionIncrease(Window w) {
    return "sum(increase(" + PREEMPTIONS + "{model_name=\"" + MODEL + "\"}["
        + PromWindows.promDuration(Duration.between(w.start(), w.end())) + "]))";
  }

  private static double counter(Probes probes, String name) throws Exception {
    Reading<Double> reading = probes.vllm().metric(MODEL, name).read();
    return reading.value().orElseThrow(() -> new AssertionError(MODEL + " exposes no " + name + ": " + reading));
  }

  /** Waits (up to a minute) for the KV cache under 1% and an empty queue; returns how long after {@code since}. */
  private static Duration awaitDrained(Probes probes, Instant since) {
    AtomicReference<String> last = new AtomicReference<>("not read yet");
    await("KV cache of " + MODEL + " under 1% and no waiting request").atMost(Duration.ofSeconds(60))
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(() -> {
          double kv = counter(probes, KV);
          double waiting = counter(probes, "vllm:num_requests_waiting");
          last.set("KV " + pct(kv) + ", waiting " + waiting);
          return kv <= 0.01 && waiting == 0;
        });
    return Duration.between(since, Instant.now());
  }

  private static String samplerEvidence(MetricsSampler sampler) {
    StringBuilder out = new StringBuilder("every " + SAMPLE_EVERY.toMillis() + " ms; " + sampler.scrapes()
        + " scrapes, " + sampler.failedScrapes() + " failed; gaps " + sampler.gaps() + "\n");
    for (String phase : sampler.phases()) {
      sampler.stats(KV, phase).values().stream().filter(s -> s.target().equals(MODEL)).forEach(s -> out.append(
          String.format(Locale.ROOT, "%-18s n=%-5d min %s max %s mean %s peak at %s%n", phase, s.count(), pct(s.min()),
              pct(s.max()), pct(s.mean()), s.peakAt())));
    }
    return out.toString();
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * share);
  }

  /** A load's name (also its sampler phase), its wall-clock window and what it measured. */
  private record Window(String phase, Instant start, Instant end, LoadResult result) {}
}
