package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;
import static run.tokenlabs.chaos.api.Tolerance.satisfies;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Check;
import run.tokenlabs.chaos.api.Guard;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.spi.Capability;
import run.tokenlabs.chaos.faults.Faults;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.probes.api.Alert;
import run.tokenlabs.chaos.probes.api.AlertState;
import run.tokenlabs.chaos.probes.api.ControllerFinding;
import run.tokenlabs.chaos.probes.api.HttpExpectation;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;

/**
 * LLMD-3 of the reference run, case 1: the bare DeepSeek pod force-deleted while load runs through
 * the gateway. The reference run saw 100% HTTP 5xx and zero alerts: the pod's series vanished instead
 * of dropping to zero, so its threshold rules stayed blind, and nothing recreated the pod.
 *
 * <p>Hypothesis: the failure is now detected. The four rules of the reference run's next-run scope
 * ({@code TokenLabsPodAbsent}, {@code VLLMMetricsAbsent}, {@code TokenLabsServiceNoEndpoints},
 * {@code SLOBurnRateGatewayLayer}) fire within FACTS' worst-case bound, while the naive rules stay
 * silent (a finding, as in the reference run); and once the engine's rollback has recreated the pod
 * from its captured manifest, the gateway serves the model again. Case 2 (a Deployment-managed pod)
 * is {@link Llmd3DeploymentPodForceDeleteIT}.
 */
@ChaosExperiment(id = "LLMD-3", title = "A force-deleted bare inference pod is detected: 100% 5xx at the gateway, "
    + "series vanish, naive rules stay silent, the absence and gateway-burn rules fire", recoverySeconds = 45)
@RequiresCapability(Llmd3PodForceDeleteIT.BareDeepSeekPod.class)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD,
    findings = {"bare pod", "series vanished", "naive rules silent"},
    keyNumbers = {"5xx ratio", "time to fire: TokenLabsPodAbsent", "time to fire: VLLMMetricsAbsent",
        "time to fire: TokenLabsServiceNoEndpoints", "series vanished", "time to recover"})
class Llmd3PodForceDeleteIT {
  static final String NAMESPACE = "token-labs";
  static final String MODEL = "deepseek-r1-7b";
  static final String SELECTOR = "app=" + MODEL;
  static final String OTHER_MODEL = "llama-3-1-8b";
  /** The vLLM series whose vanishing the reference run saw (no 0-value transition). */
  static final String RUNNING_SERIES = "vllm:num_requests_running{model_name=\"" + MODEL + "\"}";
  static final List<String> ABSENCE_ALERTS = List.of("TokenLabsPodAbsent", "VLLMMetricsAbsent",
      "TokenLabsServiceNoEndpoints");
  static final String BURN_ALERT = "SLOBurnRateGatewayLayer";
  /** Requests per second of the background load: enough 5xx to burn the budget within a few seconds. */
  static final double LOAD_RATE = 20;
  private static final Duration POLL = Duration.ofMillis(250);

  private final RecoveryStopwatch recovery = new RecoveryStopwatch();

  @SteadyState
  Hypothesis deepseekServed(Probes probes, Chaos chaos) {
    PrometheusProbes prometheus = probes.prometheus();
    Check<?>[] checks = new Check<?>[3 + ABSENCE_ALERTS.size()];
    checks[0] = recovery.timed(chaos, "gateway serves " + MODEL,
        Llmd3Support.completion(probes, chaos.target(), MODEL).is(HttpExpectation.status(200)));
    checks[1] = recovery.timed(chaos, MODEL + " pod Ready",
        probes.kubernetes().readyPods(NAMESPACE, SELECTOR).is(atLeast(1)));
    checks[2] = prometheus.instant("count(" + RUNNING_SERIES + ")").is(atLeast(1));
    for (int i = 0; i < ABSENCE_ALERTS.size(); i++) {
      checks[3 + i] = prometheus.alert(ABSENCE_ALERTS.get(i)).state()
          .is(satisfies("not firing", state -> state != AlertState.FIRING));
    }
    return Hypothesis.of("the gateway serves " + MODEL + " from a Ready pod whose vLLM series are scraped, "
        + "and no absence alert fires", checks);
  }

  /**
   * A target that has just started (the lab at the start of a run) has not been scraped yet, and an
   * absence rule fires on a series that never existed. Waits, bounded, until Prometheus holds the
   * model's series and has evaluated the absence rules on them; on a long-running Prometheus this
   * returns at once. If it never happens the steady state, checked next, says what is missing
   * (ABORTED).
   */
  @BeforeEach
  void prometheusHasScrapedTheModel(Probes probes) {
    Llmd3Support.awaitScraped(probes, "count(" + RUNNING_SERIES + ")", ABSENCE_ALERTS);
  }

  @Test
  @DisplayName("bare deepseek pod force-deleted under load: 100% 5xx, series vanish, naive rules silent, "
      + "the four rules fire within their bound; the rollback recreates it")
  void bareDeepSeekPodForceDeleted(Chaos chaos, Probes probes) throws Exception {
    try {
      forceDeleteUnderLoad(chaos, probes);
    } finally {
      recovery.rollbackStarts();
    }
  }

  private void forceDeleteUnderLoad(Chaos chaos, Probes probes) throws Exception {
    auditControllers(chaos, probes);
    PrometheusProbes prometheus = probes.prometheus().pollingEvery(POLL);
    Duration scrape = PromWindows.scrapeInterval(prometheus.client());
    AlertState burnBefore = Llmd3Support.read(prometheus.alert(BURN_ALERT).state()).orElseThrow();
    Map<String, AlertFiringBound> bounds = firingBounds(chaos, prometheus, scrape, burnBefore);
    chaos.guard(Guard.watch("blast radius: " + OTHER_MODEL + " still served through the gateway",
        Llmd3Support.completion(probes, chaos.target(), OTHER_MODEL).is(HttpExpectation.status(200)),
        Duration.ofSeconds(1)));

    Duration loadDuration = Duration.ofSeconds(12).plus(scrape.multipliedBy(3));
    BackgroundLoad load = BackgroundLoad.of(MODEL + " through the gateway", Load.openLoop(
            GatewayStreams.completions(chaos.target(), MODEL), Arrivals.constant(LOAD_RATE))
        .withWorkload(Bucket.of("short", 16, 4))
        .withBounds(new Bounds(loadDuration, (long) (LOAD_RATE * loadDuration.toSeconds()), Duration.ofSeconds(5)))
        .withProgress(Progress.none()));
    double served2xxBefore = Llmd3Support.counter(prometheus, "sum(" + Llmd3Support.downstream("2") + ")");
    chaos.inject(load);
    awaitServedBeforeFault(prometheus, served2xxBefore, scrape);

    Instant deletedAt = Instant.now();
    long deletedAtNanos = System.nanoTime();
    chaos.inject(Faults.forceDeletePod(NAMESPACE, SELECTOR));
    recovery.faultInjected(deletedAt);

    ExecutorService watchers = Executors.newFixedThreadPool(bounds.size(), r -> {
      Thread t = new Thread(r, "llmd3-alert-watch");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<String, CompletableFuture<Duration>> firing = new LinkedHashMap<>();
      bounds.forEach((alert, bound) -> firing.put(alert, CompletableFuture.supplyAsync(() ->
          timeToFire(prometheus, alert, bound, deletedAt), watchers)));

      long outageFromNanos = awaitNoReadyEndpoint(probes) + Duration.ofSeconds(1).toNanos();
      seriesVanish(chaos, prometheus, scrape, deletedAt);
      for (Map.Entry<String, CompletableFuture<Duration>> watch : firing.entrySet()) {
        recordFiring(chaos, prometheus, bounds.get(watch.getKey()), join(watch.getValue(), bounds.get(watch.getKey())));
      }
      if (burnBefore != AlertState.INACTIVE) {
        burnAlreadyActive(chaos, prometheus, burnBefore);
      }
      naiveRulesSilent(chaos, prometheus, deletedAt, bounds.get(ABSENCE_ALERTS.get(0)));
      LoadResult result = load.awaitResult(loadDuration.plus(Duration.ofSeconds(30)));
      outageRatio(chaos, prometheus, result, deletedAtNanos, outageFromNanos, scrape);
    } finally {
      watchers.shutdownNow();
    }
  }

  /** Preflight: the controller audit lists the bare pods of the namespace, each a finding with its evidence. */
  private static void auditControllers(Chaos chaos, Probes probes) {
    List<ControllerFinding> audit = probes.kubernetes().controllerAudit(NAMESPACE);
    chaos.evidence("controller audit of namespace " + NAMESPACE, audit.isEmpty() ? "no finding"
        : audit.stream().map(ControllerFinding::toString).collect(Collectors.joining("\n")));
    for (ControllerFinding f : audit) {
      String title = f.kind() == ControllerFinding.Kind.NO_CONTROLLER
          ? "bare pod: " + f.namespace() + "/" + f.pod() + " has no controller"
          : "restartPolicy Never: " + f.namespace() + "/" + f.pod();
      chaos.finding(title, f.kind().meaning() + "; a force-deleted pod stays gone until someone recreates it "
          + "(the reference run had to re-apply its manifest by hand)", f.evidence());
    }
    assertThat(audit).as("controller audit of %s lists the bare %s pod", NAMESPACE, MODEL)
        .anyMatch(f -> f.kind() == ControllerFinding.Kind.NO_CONTROLLER && f.pod().startsWith(MODEL));
  }

  /** FACTS' worst-case bound of each rule as the target has it loaded; the burn rule also needs its ratio. */
  private static Map<String, AlertFiringBound> firingBounds(Chaos chaos, PrometheusProbes prometheus, Duration scrape,
      AlertState burnBefore) {
    Map<String, AlertFiringBound> bounds = new LinkedHashMap<>();
    for (String alert : ABSENCE_ALERTS) {
      bounds.put(alert, AlertFiringBound.of(prometheus.client(), alert, scrape).plus(POLL, "the watch's poll"));
    }
    if (burnBefore == AlertState.INACTIVE) {
      bounds.put(BURN_ALERT, AlertFiringBound.of(prometheus.client(), BURN_ALERT, scrape)
          .plus(Llmd3Support.burnAccumulation(prometheus, LOAD_RATE), "the load's 5xx at " + (long) LOAD_RATE
              + "/s until its 1h and 5m ratios exceed 1.44%")
          .plus(POLL, "the watch's poll"));
    }
    chaos.evidence("alert firing bounds (FACTS: SD delay + 2.1 S + E + ceil(F/E) E)", bounds.values().stream()
        .map(b -> b.alert() + ": " + b.formula()).collect(Collectors.joining("\n"))
        + "\nscrape interval from prometheus_target_interval_length_seconds{interval}; for: and evaluation interval "
        + "from /api/v1/rules; " + BURN_ALERT + " before the fault: " + burnBefore);
    return bounds;
  }

  /** The load is served through the gateway before the fault: its 2xx counter in Prometheus has grown. */
  private static void awaitServedBeforeFault(PrometheusProbes prometheus, double served2xxBefore, Duration scrape) {
    String promql = "sum(" + Llmd3Support.downstream("2") + ")";
    await("the background load's 2xx counted by the gateway in Prometheus before the fault")
        .atMost(scrape.multipliedBy(3).plusSeconds(5)).pollInterval(POLL)
        .until(() -> Llmd3Support.counter(prometheus, promql) - served2xxBefore >= LOAD_RATE);
  }

  /** The model's vLLM series vanish (no data), never reading 0, within SD delay + 2.1 scrapes. */
  private static void seriesVanish(Chaos chaos, PrometheusProbes prometheus, Duration scrape, Instant deletedAt) {
    Duration bound = AlertFiringBound.SERVICE_DISCOVERY_DELAY.plusMillis(Math.round(2.1 * scrape.toMillis()))
        .plus(POLL);
    Duration remaining = bound.minus(Duration.between(deletedAt, Instant.now()));
    prometheus.series(RUNNING_SERIES).shouldVanishWithin(remaining.isNegative() ? POLL : remaining);
    double took = seconds(Duration.between(deletedAt, Instant.now()));
    String zero = RUNNING_SERIES + " == 0";
    String evidence = PromWindows.describe(RUNNING_SERIES, prometheus.client().query(RUNNING_SERIES))
        + PromWindows.describe(zero, prometheus.client().query(zero))
        + PromWindows.describe("count(" + RUNNING_SERIES + ") or vector(0)",
            prometheus.client().query("count(" + RUNNING_SERIES + ") or vector(0)"));
    chaos.evidence("vLLM series of " + MODEL + " after the force-delete", evidence);
    chaos.keyNumber("series vanished: " + MODEL + " vLLM series after force-delete", took, "s",
        "instant queries every " + POLL.toMillis() + " ms until the vector was empty; bound " + seconds(bound) + " s");
    chaos.finding("series vanished, not zeroed", "After the force-delete the " + MODEL + " vLLM series vanished "
        + "from Prometheus within " + took + " s (an empty vector, no sample reading 0), as in the reference run: "
        + "a threshold rule on them has nothing to compare; only absence (absent(), 'or vector(0)', 'unless') "
        + "sees it", evidence);
  }

  /** Waits until the model's Service has no ready address; returns when that was seen ({@link System#nanoTime()}). */
  private static long awaitNoReadyEndpoint(Probes probes) {
    Probe<Integer> ready = probes.kubernetes().readyEndpointAddresses(NAMESPACE, MODEL);
    await("Service " + NAMESPACE + "/" + MODEL + " has no ready endpoint address").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100)).until(() -> ready.read().value().orElse(0) == 0);
    return System.nanoTime();
  }

  private static Duration timeToFire(PrometheusProbes prometheus, String alert, AlertFiringBound bound,
      Instant deletedAt) {
    Duration remaining = bound.total().minus(Duration.between(deletedAt, Instant.now()));
    prometheus.alert(alert).shouldFireWithin(remaining.isNegative() ? POLL : remaining);
    return Duration.between(deletedAt, Instant.now());
  }

  private static Duration join(CompletableFuture<Duration> watch, AlertFiringBound bound) throws Exception {
    try {
      return watch.get(bound.total().plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AssertionError a) {
        throw new AssertionError(a.getMessage() + " (bound " + bound.formula() + ")", a);
      }
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** A key number per fired alert, and the firing alert must be about this model. */
  private static void recordFiring(Chaos chaos, PrometheusProbes prometheus, AlertFiringBound bound, Duration took) {
    List<Alert> firing = prometheus.client().alerts().stream()
        .filter(a -> a.name().equals(bound.alert()) && a.state() == AlertState.FIRING).toList();
    chaos.evidence("alert " + bound.alert() + " firing", firing.stream()
        .map(a -> a.labels() + " active since " + a.activeAt().map(Instant::toString).orElse("?") + ", value "
            + a.value())
        .collect(Collectors.joining("\n")));
    chaos.keyNumber("time to fire: " + bound.alert() + " after force-delete", seconds(took), "s",
        "polled every " + POLL.toMillis() + " ms through /api/v1/rules; bound " + bound.formula());
    if (!bound.alert().equals(BURN_ALERT)) {
      assertThat(firing).as("firing %s alerts name model %s", bound.alert(), MODEL)
          .anyMatch(a -> a.labels().containsValue(MODEL));
    }
  }

  /**
   * The burn alert was already pending or firing before the fault (5xx of earlier experiments of the
   * run are still in its 1h window), so its time to fire cannot be measured here; what this fault
   * drives, the 5m window's 5xx ratio, must be above the threshold.
   */
  private static void burnAlreadyActive(Chaos chaos, PrometheusProbes prometheus, AlertState before) {
    String shortWindow = Llmd3Support.gateway5xxRatio("rate", "5m");
    double ratio = Llmd3Support.read(prometheus.instant(shortWindow)).orElse(Double.NaN);
    String evidence = PromWindows.describe(shortWindow, prometheus.client().query(shortWindow));
    chaos.finding(BURN_ALERT + " already " + before + " before the fault", "The gateway burn alert was " + before
        + " before the force-delete: 5xx of earlier experiments of this run are still in its 1h window, so its "
        + "time to fire is not measured; the 5m window's 5xx ratio after the fault is " + ratio, evidence);
    assertThat(ratio).as("5m gateway 5xx ratio after the fault, threshold %s", Llmd3Support.BURN_THRESHOLD)
        .isGreaterThan(Llmd3Support.BURN_THRESHOLD);
    assertThat(Llmd3Support.read(prometheus.alert(BURN_ALERT).state())).as("%s state", BURN_ALERT)
        .contains(AlertState.FIRING);
  }

  /**
   * The naive rules of rules/tests/naive-llmd3.rules.yml over the fault window, with their for: scaled
   * as the target scaled TokenLabsPodAbsent's. The reference run's finding is that they stay silent.
   */
  private static void naiveRulesSilent(Chaos chaos, PrometheusProbes prometheus, Instant from,
      AlertFiringBound podAbsent) {
    NaiveRules.Evaluation naive = NaiveRules.evaluate(prometheus.client(), from, podAbsent);
    chaos.evidence("naive rules over the fault window", naive.evidence());
    if (naive.silent()) {
      chaos.finding("naive rules silent", "The naive rules (up == 0, rate of vllm:request_failure_total > 0) "
          + "never returned data for as long as their for: over the whole fault window, while the absence rules "
          + "fired: the reference run's 'zero alerts' is what rules written on vanished series do", naive.evidence());
    } else {
      chaos.finding("naive rule would fire", "A naive LLMD-3 rule returned data for at least its for: during the "
          + "fault window, unlike the reference run", naive.evidence());
    }
  }

  /** 100% 5xx for the model through the gateway once it had no endpoint: from the load's ledger and Envoy's stats. */
  private static void outageRatio(Chaos chaos, PrometheusProbes prometheus, LoadResult result, long deletedAtNanos,
      long outageFromNanos, Duration scrape) {
    OutageLedger ledger = OutageLedger.split(result, deletedAtNanos, outageFromNanos);
    long windowSeconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageFromNanos));
    String gatewayRatio = Llmd3Support.gateway5xxRatio("increase", windowSeconds + "s");
    double prometheusRatio = Llmd3Support.read(prometheus.instant(gatewayRatio)).orElse(Double.NaN);
    chaos.evidence("background load through the gateway", result + "\n" + ledger.describe()
        + "outage phase starts 1 s after the Service had no ready endpoint (the gateway's endpoint view follows "
        + "the Endpoints watch)\n" + PromWindows.describe(gatewayRatio, prometheus.client().query(gatewayRatio))
        + "(gateway-wide: includes the blast-radius guard's " + OTHER_MODEL + " requests, about 1/s)");
    chaos.keyNumber("5xx ratio: " + MODEL + " through the gateway during the outage", 100 * ledger.outage5xxRatio(),
        "%", "load ledger, n=" + ledger.outage().size() + " requests sent from 1 s after the Service lost its last "
        + "ready endpoint; open loop " + (long) LOAD_RATE + "/s");
    chaos.keyNumber("5xx ratio: gateway-wide in Prometheus during the outage", 100 * prometheusRatio, "%",
        "Envoy downstream 5xx / all over the last " + windowSeconds + " s (scrape " + seconds(scrape) + " s)");
    assertThat(result.ledger().balanced()).as("every request of the load accounted for: %s", result.ledger()).isTrue();
    assertThat(ledger.before()).as("requests served before the fault: %s", ledger.describe())
        .anyMatch(r -> r.httpStatus() == 200);
    assertThat(ledger.outage()).as("requests sent during the outage: %s", ledger.describe()).hasSizeGreaterThan(10);
    assertThat(ledger.outage5xxRatio()).as("5xx ratio of %s through the gateway during the outage: %s", MODEL,
        ledger.describe()).isEqualTo(1.0);
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  /**
   * The DeepSeek pod is bare (no controller), as in the reference run. Where it is controller-managed
   * (the fix the reference run recommends), this case does not apply: {@link Llmd3DeploymentPodForceDeleteIT}
   * covers managed pods.
   */
  public static final class BareDeepSeekPod implements Capability {
    @Override
    public String name() {
      return "bare " + MODEL + " pod";
    }

    @Override
    public Availability check(Target target) {
      var pods = target.kubernetes().pods().inNamespace(NAMESPACE).withLabel("app", MODEL).list().getItems();
      if (pods.isEmpty()) {
        return Availability.absent("no pod matches " + SELECTOR + " in namespace " + NAMESPACE);
      }
      var managed = pods.stream().filter(p -> p.getMetadata().getOwnerReferences() != null
          && !p.getMetadata().getOwnerReferences().isEmpty()).toList();
      return managed.isEmpty()
          ? Availability.present("pod " + pods.get(0).getMetadata().getName() + " has no ownerReferences")
          : Availability.absent("pod " + managed.get(0).getMetadata().getName() + " is owned by "
              + managed.get(0).getMetadata().getOwnerReferences().get(0).getKind() + " "
              + managed.get(0).getMetadata().getOwnerReferences().get(0).getName()
              + ": the bare-pod case does not apply; the Deployment case covers it");
    }
  }
}
