package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atMost;
import static run.tokenlabs.chaos.scenarios.experiments.QueueMetricsSweepIT.BIMODAL;
import static run.tokenlabs.chaos.scenarios.experiments.QueueMetricsSweepIT.BIMODAL_P;
import static run.tokenlabs.chaos.scenarios.experiments.QueueMetricsSweepIT.NO_QUEUEING;
import static run.tokenlabs.chaos.scenarios.experiments.QueueMetricsSweepIT.ONSET;
import static run.tokenlabs.chaos.scenarios.experiments.QueueMetricsSweepIT.QUEUE;
import static run.tokenlabs.chaos.scenarios.experiments.QueueMetricsSweepIT.TPOT;
import static run.tokenlabs.chaos.scenarios.experiments.QueueMetricsSweepIT.TTFT_P50;
import static run.tokenlabs.chaos.scenarios.experiments.QueueMetricsSweepIT.TTFT_P95;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.Workload;
import run.tokenlabs.chaos.probes.api.MetricsSampler;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.scenarios.experiments.support.Bimodality;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.GpuClock;
import run.tokenlabs.chaos.scenarios.experiments.support.KvPeaks;
import run.tokenlabs.chaos.scenarios.experiments.support.LoadFigures;
import run.tokenlabs.chaos.scenarios.experiments.support.PromEvidence;
import run.tokenlabs.chaos.scenarios.experiments.support.QueueSweep;
import run.tokenlabs.chaos.scenarios.experiments.support.QueueSweep.Step;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;
import run.tokenlabs.chaos.scenarios.lab.faults.StepSlowdown;

/**
 * LLMD-2 of the reference run, queue metrics under a concurrency sweep: DeepSeek-R1 chat through the gateway at
 * concurrency 1, 2, 4, 6, 8, 12 and 16, a short bounded closed loop per step. The workload mixes short answers (2
 * tokens: one of reasoning, then the answer) and reasoning chains (320 tokens, 256 of them reasoning), 3 : 2 with a
 * fixed seed, so the first content token comes after a prefill for some requests and after a reasoning chain for
 * others, as with the reference run's users.
 * <p>Per step: TTFT p50/p95 (first content token: when the user's answer starts), the bimodality test of
 * {@link Bimodality} on it (one log-normal mode against a two-component mixture, bootstrap likelihood-ratio p; a
 * latency's log is the scale on which one skewed mode is one Gaussian), TPOT of the reasoning chains (p50, as the
 * reference run reported it, with the mean and the coefficient of variation across requests), and the waiting queue ({@code vllm:num_requests_waiting}, or SGLang's
 * {@code sglang:num_queue_reqs}) read by the direct sampler at 20 Hz and by Prometheus over the step's window.
 * Queueing starts at the first concurrency whose time-averaged queue is at least {@value QueueSweep#QUEUEING}.
 * <p>On the lab, a profile whose simulated step is shorter than {@value #MIN_STEP_SECONDS} s (h200: 8 ms) has its
 * steps slowed to that ({@link StepSlowdown}, rolled back after), and latencies are converted with the effective time
 * scale: unslowed, an h200 token takes 0.08 ms of wall time, far below the client's own jitter on a busy machine, and
 * the sweep would measure the machine instead of the scheduler. On a cluster nothing is slowed.
 * <p>Hypothesis: the queue is observable under load and serving stays clean: at every step the waiting-queue gauge is
 * read both directly and by Prometheus, no request is lost or answered with a 5xx, and TTFT and TPOT are measured.
 * Whether TTFT is bimodal, where queueing starts, and whether TPOT is stable within a step (coefficient of variation
 * at most {@value #TPOT_CV_LIMIT}, the reference run's "stable") and how it grows with concurrency are findings: on
 * the lab a stall of the host machine lengthens every stream in flight, which says nothing of the server.
 */
@ChaosExperiment(id = "LLMD-2", title = "LLMD-2 queue metrics under a concurrency sweep: TTFT modes, TPOT, queue depth",
    recoverySeconds = 30)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD,
    findings = {BIMODAL, NO_QUEUEING},
    keyNumbers = {TTFT_P50 + "6", TTFT_P95 + "6", TPOT + "6", QUEUE + "6, direct", QUEUE + "6, Prometheus",
        BIMODAL_P + "6", TTFT_P50 + "16", QUEUE + "16, direct", ONSET})
@ExpectedOnLab(profile = "h200", verdict = Verdict.HELD,
    findings = {BIMODAL, NO_QUEUEING},
    keyNumbers = {TTFT_P50 + "6", TTFT_P95 + "6", TPOT + "6", QUEUE + "6, direct", QUEUE + "6, Prometheus",
        BIMODAL_P + "6", ONSET})
class QueueMetricsSweepIT {
  static final String TTFT_P50 = "TTFT p50 at concurrency ";
  static final String TTFT_P95 = "TTFT p95 at concurrency ";
  static final String TPOT = "TPOT at concurrency ";
  static final String QUEUE = "Queue depth at concurrency ";
  static final String BIMODAL_P = "TTFT bimodality p at concurrency ";
  static final String ONSET = "Queueing onset";
  static final String BIMODAL = "TTFT is bimodal";
  static final String NO_QUEUEING = "No queueing up to concurrency ";
  static final String QUEUEING_STARTS = "Queueing starts at concurrency ";
  static final String TPOT_STABLE = "TPOT stable within every step";
  static final double TPOT_CV_LIMIT = 0.25;
  /** On the lab, the shortest simulated step (GPU seconds) the sweep measures; gb10's 110 ms steps are above it. */
  static final double MIN_STEP_SECONDS = 0.1;
  private static final String MODEL = GatewayStreams.DEEPSEEK;
  private static final List<Integer> CONCURRENCY = List.of(1, 2, 4, 6, 8, 12, 16);
  /** Requests per step: 8 per session, at least 24 so the smallest steps hold both modes for the test. */
  private static final int PER_SESSION = 8;
  private static final int MIN_REQUESTS = 24;
  private static final long SEED = 20260415L;
  private static final int RESAMPLES = 199;
  private static final double ALPHA = 0.05;

  @SteadyState
  Hypothesis idle(Probes probes) {
    return Hypothesis.of(MODEL + " serves through the gateway and nothing is queued",
        GatewayStreams.oneStream(probes.target(), MODEL).is(GatewayStreams.complete()),
        probes.vllm().metric(MODEL, QueueSweep.VLLM_WAITING).is(atMost(0)));
  }

  @Test
  void queueMetricsUnderConcurrencySweep(Chaos chaos, Probes probes) {
    double slowdown = labSlowdown(chaos);
    GpuClock clock = slowdown > 1 ? GpuClock.of(chaos.target()).slowedBy(slowdown) : GpuClock.of(chaos.target());
    if (slowdown > 1) {
      chaos.inject(StepSlowdown.of(MODEL, slowdown));
    }
    String gauge = queueGauge(probes);
    Workload mix = new Workload(List.of(Bucket.of("S", 512, 2).withWeight(3), Bucket.of("R", 512, 320).withWeight(2)),
        SEED);
    List<Step> steps;
    try (MetricsSampler sampler = probes.vllm().sampler().metrics(QueueSweep.SGLANG_WAITING)
        .interval(KvPeaks.SAMPLE_EVERY).firstPhase("idle").start()) {
      QueueSweep sweep = new QueueSweep(chaos, sampler, MODEL, gauge, clock);
      for (int c : CONCURRENCY) {
        sweep.step(c, Load.closedLoop(GatewayStreams.chat(chaos.target(), MODEL), c).withWorkload(mix)
            .withBounds(new Bounds(Duration.ofSeconds(30), Math.max(MIN_REQUESTS, PER_SESSION * c),
                Duration.ofSeconds(30))));
      }
      sampler.phase("after");
      steps = sweep.figures(probes.prometheus(), "R");
      sweep.charts(steps);
    }
    chaos.evidence("sweep figures", steps.stream().map(Step::toString).collect(Collectors.joining("\n")));

    List<Bimodality.Result> tests = steps.stream().map(s -> Bimodality.test(s.ttft(), RESAMPLES, SEED, ALPHA)).toList();
    for (int i = 0; i < steps.size(); i++) {
      record(chaos, steps.get(i), tests.get(i), gauge, clock);
    }
    recordQueueing(chaos, steps, gauge);
    recordBimodality(chaos, steps, tests);

    Step worst = steps.stream().max((a, b) -> Double.compare(a.tpotCv(), b.tpotCv())).orElseThrow();
    chaos.record(new KeyNumber("TPOT coefficient of variation, worst step", worst.tpotCv(), "", "at concurrency "
        + worst.concurrency() + "; stable means at most " + TPOT_CV_LIMIT));
    chaos.record(QueueSweep.tpotFinding(steps, worst, TPOT_CV_LIMIT, TPOT_STABLE));

    // The hypothesis: the queue observable both ways at every step, and every step served cleanly.
    for (Step s : steps) {
      LoadFigures.assertNothingLost(s.result(), "concurrency " + s.concurrency());
      assertThat(LoadFigures.serverErrors(s.result())).as("5xx answers at concurrency %d: %s", s.concurrency(),
          s.result().ledger().byHttpStatus()).isZero();
      assertThat(s.tpotMillis()).as("TPOT readings of complete reasoning chains at concurrency %d (%s)",
          s.concurrency(), s.result().ledger()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(s.promMax()).as("Prometheus' reading of %s over the step at concurrency %d (NaN: no data)", gauge,
          s.concurrency()).isNotNaN();
    }
  }

  /** How much slower the lab's steps run for the sweep: up to {@link #MIN_STEP_SECONDS}; 1 on a cluster. */
  private static double labSlowdown(Chaos chaos) {
    return chaos.target().unwrap(LabTarget.class)
        .map(t -> Math.max(1, MIN_STEP_SECONDS / t.lab().profile().model(MODEL).stepFixedSeconds())).orElse(1.0);
  }

  /** The engine's waiting-queue gauge: vLLM's where the server exposes it, else SGLang's. */
  private static String queueGauge(Probes probes) {
    boolean vllm = probes.vllm().metric(MODEL, QueueSweep.VLLM_WAITING).readNow().value().isPresent();
    return vllm ? QueueSweep.VLLM_WAITING : QueueSweep.SGLANG_WAITING;
  }

  private static void record(Chaos chaos, Step s, Bimodality.Result test, String gauge, GpuClock clock) {
    int c = s.concurrency();
    String n = "n=" + s.ttft().length + " complete requests; first content token; " + clock.how();
    chaos.record(new KeyNumber(TTFT_P50 + c, s.ttftPercentile(50), "s", n));
    chaos.record(new KeyNumber(TTFT_P95 + c, s.ttftPercentile(95), "s", n));
    chaos.record(new KeyNumber(TPOT + c, s.tpotMedian(), "ms/token", String.format(Locale.ROOT, "p50 over %d "
        + "reasoning chains; mean %.4g, coefficient of variation %.3f; %s", s.tpotMillis().length, s.tpotMean(),
        s.tpotCv(), clock.how())));
    chaos.record(new KeyNumber(QUEUE + c + ", direct", s.queueMean(), "requests", String.format(Locale.ROOT,
        "time-averaged %s over %d direct samples; peak %s", gauge, s.queueSamples(), PromEvidence.format(s.queueMax()))));
    chaos.record(new KeyNumber(QUEUE + c + ", Prometheus", s.promMax(), "requests", "max_over_time of " + gauge
        + " over the step; avg_over_time " + PromEvidence.format(s.promAvg())));
    chaos.record(new KeyNumber(BIMODAL_P + c, test.pValue(), "p", test.toString()));
  }

  private static void recordQueueing(Chaos chaos, List<Step> steps, String gauge) {
    Optional<Step> onset = QueueSweep.onset(steps);
    int highest = steps.get(steps.size() - 1).concurrency();
    String table = steps.stream().map(Step::toString).collect(Collectors.joining("\n"));
    chaos.record(new KeyNumber(ONSET, onset.map(Step::concurrency).orElse(0), "sessions", "first concurrency whose "
        + "time-averaged " + gauge + " (direct) is at least " + QueueSweep.QUEUEING + "; 0: none up to " + highest));
    if (onset.isEmpty()) {
      chaos.record(new Finding(NO_QUEUEING + highest, String.format(Locale.ROOT, "Up to %d concurrent sessions the "
          + "waiting queue stayed under %s requests on average at every step (largest time-averaged queue %.3f, "
          + "largest peak %s): the server admitted every request within a step, as the reference run's queue depth 0 "
          + "at concurrency 6. TTFT grows with concurrency from the batch, not from a queue.", highest,
          QueueSweep.QUEUEING, steps.stream().mapToDouble(Step::queueMean).max().orElse(0),
          PromEvidence.format(steps.stream().mapToDouble(Step::queueMax).max().orElse(0))), table));
    } else {
      Step s = onset.get();
      chaos.record(new Finding(QUEUEING_STARTS + s.concurrency(), String.format(Locale.ROOT, "At %d concurrent "
          + "sessions requests start to wait: the time-averaged queue is %.3f (peak %s); TTFT p95 is %.3g s there.",
          s.concurrency(), s.queueMean(), PromEvidence.format(s.queueMax()), s.ttftPercentile(95)), table));
    }
    for (Step s : steps) {
      if (s.queueMean() >= QueueSweep.QUEUEING && !(s.promMax() > 0)) {
        chaos.record(new Finding("Prometheus missed the queue at concurrency " + s.concurrency(), String.format(
            Locale.ROOT, "The direct sampler saw a time-averaged queue of %.3f (peak %s); Prometheus' max_over_time "
                + "over the step read %s: a queue alert on the scraped gauge would not have seen it.", s.queueMean(),
            PromEvidence.format(s.queueMax()), PromEvidence.format(s.promMax())), s.toString()));
      }
    }
  }

  private static void recordBimodality(Chaos chaos, List<Step> steps, List<Bimodality.Result> tests) {
    StringBuilder perStep = new StringBuilder();
    List<Integer> bimodal = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      perStep.append("concurrency ").append(steps.get(i).concurrency()).append(": ").append(tests.get(i)).append('\n');
      if (tests.get(i).bimodal()) {
        bimodal.add(steps.get(i).concurrency());
      }
    }
    Bimodality.Result at6 = tests.get(CONCURRENCY.indexOf(6));
    String how = String.format(Locale.ROOT, "Test: one log-normal mode against two (Gaussian mixture on log TTFT), "
        + "likelihood ratio with a %d-resample parametric bootstrap p-value, and two maxima in the fitted density. "
        + "At concurrency 6: LR %.3g, p = %.3g, modes near %.3g s and %.3g s (weights %.2f / %.2f).", RESAMPLES,
        at6.likelihoodRatio(), at6.pValue(), at6.lowerMode(), at6.upperMode(), at6.mixture().weight(),
        1 - at6.mixture().weight());
    if (bimodal.size() == steps.size()) {
      chaos.record(new Finding(BIMODAL + " at every concurrency", "TTFT (first content token) has two modes at every step: short answers "
          + "start after a prefill, reasoning chains only after the chain. A single TTFT percentile mixes the two; "
          + "judge them apart (by reasoning or not) or on the first content token per request class. " + how,
          perStep.toString()));
    } else if (bimodal.isEmpty()) {
      chaos.record(new Finding("TTFT not shown bimodal at any concurrency", "No step's TTFT rejects one log-normal "
          + "mode at p < " + ALPHA + " with two maxima in the fit. " + how, perStep.toString()));
    } else {
      chaos.record(new Finding(BIMODAL + " at concurrency " + bimodal + " only", "Steps " + bimodal + " reject "
          + "one log-normal mode; the others do not. " + how, perStep.toString()));
    }
  }
}
