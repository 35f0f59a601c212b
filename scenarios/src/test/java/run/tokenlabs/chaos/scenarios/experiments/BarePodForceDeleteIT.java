package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;
import static run.tokenlabs.chaos.api.Tolerance.satisfies;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Check;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Guard;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.faults.Faults;
import run.tokenlabs.chaos.probes.api.Alert;
import run.tokenlabs.chaos.probes.api.AlertFiring;
import run.tokenlabs.chaos.probes.api.AlertFiringBound;
import run.tokenlabs.chaos.probes.api.AlertState;
import run.tokenlabs.chaos.probes.api.ControllerFinding;
import run.tokenlabs.chaos.probes.api.FiringWatch;
import run.tokenlabs.chaos.probes.api.HttpExpectation;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;
import run.tokenlabs.chaos.scenarios.experiments.support.DeletionEvents;
import run.tokenlabs.chaos.scenarios.experiments.support.Gateway;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayOutage;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.NaiveRules;
import run.tokenlabs.chaos.scenarios.experiments.support.NextRunScope;
import run.tokenlabs.chaos.scenarios.experiments.support.PodOwnership;
import run.tokenlabs.chaos.scenarios.experiments.support.PromEvidence;
import run.tokenlabs.chaos.scenarios.experiments.support.RecoveryStopwatch;

/**
 * LLMD-3 of the reference run, case 1: the bare DeepSeek pod force-deleted while load runs through
 * the gateway. The reference run saw 100% HTTP 5xx and zero alerts: the pod's series vanished instead
 * of dropping to zero, so its threshold rules stayed blind, and nothing recreated the pod.
 * <p>Hypothesis: the failure is now detected. The four rules of the reference run's next-run scope
 * ({@code TokenLabsPodAbsent}, {@code VLLMMetricsAbsent}, {@code TokenLabsServiceNoEndpoints},
 * {@code SLOBurnRateGatewayLayer}) fire within their worst-case bound ({@link AlertFiringBound}), while
 * the naive rules stay silent (a finding, as in the reference run); and once the engine's rollback has
 * recreated the pod from its captured manifest, the gateway serves the model again. The 5xx of the
 * outage are read from the load's ledger ({@link GatewayOutage}). Case 2: {@link ControllerPodForceDeleteIT}.
 */
@ChaosExperiment(id = "LLMD-3", title = "A force-deleted bare inference pod is detected: 100% 5xx at the gateway, "
    + "series vanish, naive rules stay silent, the absence and gateway-burn rules fire", recoverySeconds = 45)
@RequiresCapability(BarePodForceDeleteIT.BareDeepSeekPod.class)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD,
    findings = {BarePodForceDeleteIT.BARE_POD, BarePodForceDeleteIT.SERIES_VANISHED,
        BarePodForceDeleteIT.NAIVE_RULES_SILENT, DeletionEvents.BARE_POD_EVENTS},
    keyNumbers = {GatewayOutage.OUTAGE_5XX_RATIO + BarePodForceDeleteIT.MODEL,
        BarePodForceDeleteIT.TIME_TO_FIRE + BarePodForceDeleteIT.POD_ABSENT,
        BarePodForceDeleteIT.TIME_TO_FIRE + BarePodForceDeleteIT.METRICS_ABSENT, RecoveryStopwatch.TIME_TO_RECOVER,
        BarePodForceDeleteIT.TIME_TO_FIRE + BarePodForceDeleteIT.NO_ENDPOINTS, BarePodForceDeleteIT.VANISHED_AFTER})
class BarePodForceDeleteIT {
  static final String NAMESPACE = "token-labs";
  static final String MODEL = GatewayStreams.DEEPSEEK;
  static final String SELECTOR = "app=" + MODEL;
  static final String OTHER_MODEL = GatewayStreams.LLAMA;
  /** The vLLM series whose vanishing the reference run saw (no 0-value transition). */
  static final String RUNNING_SERIES = "vllm:num_requests_running{model_name=\"" + MODEL + "\"}";
  static final String POD_ABSENT = "TokenLabsPodAbsent";
  static final String METRICS_ABSENT = "VLLMMetricsAbsent";
  static final String NO_ENDPOINTS = "TokenLabsServiceNoEndpoints";
  static final List<String> ABSENCE_ALERTS = List.of(POD_ABSENT, METRICS_ABSENT, NO_ENDPOINTS);
  static final String BURN_ALERT = "SLOBurnRateGatewayLayer";
  /** Requests per second of the background load: enough 5xx to burn the budget within a few seconds. */
  static final double LOAD_RATE = 20;
  static final Duration POLL = Duration.ofMillis(250);
  static final String BARE_POD = "bare pod: ";
  static final String SERIES_VANISHED = "series vanished, not zeroed";
  static final String NAIVE_RULES_SILENT = "naive rules silent";
  static final String TIME_TO_FIRE = "time to fire: ";
  static final String VANISHED_AFTER = "series vanished: " + MODEL + " vLLM series after force-delete";

  private final RecoveryStopwatch recovery = new RecoveryStopwatch();

  @SteadyState
  Hypothesis deepseekServed(Probes probes, Chaos chaos) {
    List<Check<?>> checks = new ArrayList<>(List.of(
        recovery.timed(chaos, "gateway serves " + MODEL,
            Gateway.completion(probes, chaos.target(), MODEL).is(HttpExpectation.status(200))),
        recovery.timed(chaos, MODEL + " pod Ready", probes.kubernetes().readyPods(NAMESPACE, SELECTOR).is(atLeast(1))),
        probes.prometheus().instant("count(" + RUNNING_SERIES + ")").is(atLeast(1))));
    ABSENCE_ALERTS.forEach(alert -> checks.add(probes.prometheus().alert(alert).state()
        .is(satisfies("not firing", state -> state != AlertState.FIRING))));
    return Hypothesis.of("the gateway serves " + MODEL + " from a Ready pod whose vLLM series are scraped, "
        + "and no absence alert fires", checks.toArray(Check<?>[]::new));
  }

  /** A target that has just started has not been scraped yet: see {@link Gateway#awaitScraped}. */
  @BeforeEach
  void prometheusHasScrapedTheModel(Probes probes) {
    Gateway.awaitScraped(probes, "count(" + RUNNING_SERIES + ")", ABSENCE_ALERTS);
  }

  @Test
  @DisplayName("bare deepseek pod force-deleted under load: 100% 5xx, series vanish, naive rules silent, "
      + "the four rules fire within their bound; the rollback recreates it")
  void bareDeepSeekPodForceDeleted(Chaos chaos, Probes probes) {
    try {
      forceDeleteUnderLoad(chaos, probes);
    } finally {
      recovery.rollbackStarts();
    }
  }

  private void forceDeleteUnderLoad(Chaos chaos, Probes probes) {
    auditControllers(chaos, probes);
    PrometheusProbes prometheus = probes.prometheus().pollingEvery(POLL);
    Duration scrape = prometheus.scrapeInterval();
    AlertState burnBefore = prometheus.alert(BURN_ALERT).state().readNow().value().orElseThrow();
    List<AlertFiringBound> bounds = firingBounds(chaos, prometheus, scrape, burnBefore);
    chaos.guard(Guard.watch("blast radius: " + OTHER_MODEL + " still served through the gateway",
        Gateway.completion(probes, chaos.target(), OTHER_MODEL).is(HttpExpectation.status(200)), Duration.ofSeconds(1)));

    GatewayOutage outage = new GatewayOutage(chaos, prometheus, MODEL, LOAD_RATE, scrape);
    chaos.inject(outage.load());
    outage.awaitServedBeforeFault();
    Instant deletedAt = outage.markFault();
    chaos.inject(Faults.forceDeletePod(NAMESPACE, SELECTOR));
    recovery.faultInjected(deletedAt);

    try (FiringWatch firing = prometheus.watchFiring(deletedAt, bounds)) {
      outage.awaitNoReadyEndpoint(probes, NAMESPACE);
      DeletionEvents.citeBarePod(chaos, probes, NAMESPACE, deletedAt, MODEL);
      outage.timeline().seriesVanished(seriesVanish(chaos, prometheus, scrape, deletedAt));
      for (AlertFiringBound bound : bounds) {
        recordFiring(chaos, prometheus, bound, outage.timeline().fired(bound, firing.await(bound.alert())));
      }
      if (burnBefore != AlertState.INACTIVE) {
        outage.burnAlreadyActive(BURN_ALERT, burnBefore);
      }
      NaiveRules.Evaluation naive = NaiveRules.evaluate(prometheus.client(), deletedAt, bounds.get(0));
      chaos.evidence("naive rules over the fault window", naive.evidence());
      chaos.record(naive.silent() ? NextRunScope.absenceRules(naiveRules(naive)) : naiveRules(naive));
      outage.recordRatios();
    }
  }

  /** Preflight: the controller audit lists the bare pods of the namespace, each a finding with its evidence. */
  private static void auditControllers(Chaos chaos, Probes probes) {
    List<ControllerFinding> audit = probes.kubernetes().controllerAudit(NAMESPACE);
    chaos.evidence("controller audit of namespace " + NAMESPACE, audit.isEmpty() ? "no finding"
        : audit.stream().map(ControllerFinding::toString).collect(Collectors.joining("\n")));
    audit.forEach(f -> chaos.record(NextRunScope.wrapInDeployment(nothingRecreates(f))));
    assertThat(audit).as("controller audit of %s lists the bare %s pod", NAMESPACE, MODEL)
        .anyMatch(f -> f.kind() == ControllerFinding.Kind.NO_CONTROLLER && f.pod().startsWith(MODEL));
  }

  /** The worst-case bound of each rule as the target has it loaded; the burn rule also needs its ratio. */
  private static List<AlertFiringBound> firingBounds(Chaos chaos, PrometheusProbes prometheus, Duration scrape,
      AlertState burnBefore) {
    List<AlertFiringBound> bounds = new ArrayList<>(ABSENCE_ALERTS.stream()
        .map(alert -> AlertFiringBound.of(prometheus.client(), alert, scrape).plus(POLL, "the watch's poll")).toList());
    if (burnBefore == AlertState.INACTIVE) {
      bounds.add(AlertFiringBound.of(prometheus.client(), BURN_ALERT, scrape)
          .plus(Gateway.burnAccumulation(prometheus, LOAD_RATE), "the load's 5xx at " + (long) LOAD_RATE
              + "/s until its 1h and 5m ratios exceed 1.44%")
          .plus(POLL, "the watch's poll"));
    }
    chaos.evidence("alert firing bounds (SD delay + 2.1 S + E + ceil(F/E) E)", bounds.stream()
        .map(b -> b.alert() + ": " + b.formula()).collect(Collectors.joining("\n"))
        + "\nscrape interval measured from the spacing of raw up samples; for: and evaluation interval from "
        + "/api/v1/rules; " + BURN_ALERT + " before the fault: " + burnBefore);
    return bounds;
  }

  /** The model's vLLM series vanish (no data), never reading 0, within SD delay + 2.1 scrapes. */
  private static double seriesVanish(Chaos chaos, PrometheusProbes prometheus, Duration scrape, Instant deletedAt) {
    Duration bound = AlertFiringBound.seriesGoneWithin(scrape).plus(POLL);
    Duration remaining = bound.minus(Duration.between(deletedAt, Instant.now()));
    prometheus.series(RUNNING_SERIES).shouldVanishWithin(remaining.isNegative() ? POLL : remaining);
    double took = Duration.between(deletedAt, Instant.now()).toMillis() / 1000.0;
    String evidence = evidenceOf(prometheus, RUNNING_SERIES) + evidenceOf(prometheus, RUNNING_SERIES + " == 0")
        + evidenceOf(prometheus, "count(" + RUNNING_SERIES + ") or vector(0)");
    chaos.evidence("vLLM series of " + MODEL + " after the force-delete", evidence);
    chaos.record(new KeyNumber(VANISHED_AFTER, took, "s", "instant queries every " + POLL.toMillis()
        + " ms until the vector was empty; bound " + bound.toMillis() / 1000.0 + " s"));
    chaos.record(seriesVanished(took, evidence));
    return took;
  }

  private static String evidenceOf(PrometheusProbes prometheus, String promql) {
    return PromEvidence.describe(promql, prometheus.client().query(promql));
  }

  /** A key number per fired alert, and the firing alert must be about this model. */
  private static void recordFiring(Chaos chaos, PrometheusProbes prometheus, AlertFiringBound bound,
      AlertFiring fired) {
    List<Alert> firing = prometheus.client().alerts().stream()
        .filter(a -> a.name().equals(bound.alert()) && a.state() == AlertState.FIRING).toList();
    chaos.evidence("alert " + bound.alert() + " firing", fired + "\n" + firing.stream().map(a -> a.labels()
        + " active since " + a.activeAt().map(Instant::toString).orElse("?") + ", value " + a.value())
        .collect(Collectors.joining("\n")));
    chaos.record(new KeyNumber(TIME_TO_FIRE + bound.alert() + " after force-delete",
        fired.firingAfter().toMillis() / 1000.0, "s", "polled every " + POLL.toMillis() + " ms through "
        + "/api/v1/rules; bound " + bound.formula()));
    if (!bound.alert().equals(BURN_ALERT)) {
      assertThat(firing).as("firing %s alerts name model %s", bound.alert(), MODEL)
          .anyMatch(a -> a.labels().containsValue(MODEL));
    }
  }

  static Finding nothingRecreates(ControllerFinding f) {
    String title = f.kind() == ControllerFinding.Kind.NO_CONTROLLER
        ? BARE_POD + f.namespace() + "/" + f.pod() + " has no controller"
        : "restartPolicy Never: " + f.namespace() + "/" + f.pod();
    return new Finding(title, f.kind().meaning() + "; a force-deleted pod stays gone until someone recreates it "
        + "(the reference run had to re-apply its manifest by hand)", f.evidence());
  }

  static Finding seriesVanished(double tookSeconds, String evidence) {
    return new Finding(SERIES_VANISHED, "After the force-delete the " + MODEL + " vLLM series vanished from "
        + "Prometheus within " + tookSeconds + " s (an empty vector, no sample reading 0), as in the reference run: "
        + "a threshold rule on them has nothing to compare; only absence (absent(), 'or vector(0)', 'unless') "
        + "sees it", evidence);
  }

  /**
   * The naive rules of rules/tests/naive-llmd3.rules.yml over the fault window, with their for: scaled
   * as the target scaled TokenLabsPodAbsent's. The reference run's finding is that they stay silent.
   */
  static Finding naiveRules(NaiveRules.Evaluation naive) {
    return naive.silent()
        ? new Finding(NAIVE_RULES_SILENT, "The naive rules (up == 0, rate of vllm:request_failure_total > 0) "
            + "never returned data for as long as their for: over the whole fault window, while the absence rules "
            + "fired: the reference run's 'zero alerts' is what rules written on vanished series do", naive.evidence())
        : new Finding("naive rule would fire", "A naive LLMD-3 rule returned data for at least its for: during the "
            + "fault window, unlike the reference run", naive.evidence());
  }

  /** The DeepSeek pod is bare, as in the reference run; a managed one is {@link ControllerPodForceDeleteIT}'s case. */
  public static final class BareDeepSeekPod extends PodOwnership.Bare {
    public BareDeepSeekPod() {
      super(NAMESPACE, MODEL);
    }
  }
}
