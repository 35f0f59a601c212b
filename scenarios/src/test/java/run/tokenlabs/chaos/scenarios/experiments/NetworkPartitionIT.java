package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.faults.ChaosMeshInstalled;
import run.tokenlabs.chaos.faults.Faults;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.probes.api.AlertFiring;
import run.tokenlabs.chaos.probes.api.AlertFiringBound;
import run.tokenlabs.chaos.probes.api.AlertState;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.FiringWatch;
import run.tokenlabs.chaos.probes.api.HttpExpectation;
import run.tokenlabs.chaos.probes.api.HttpResult;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;
import run.tokenlabs.chaos.scenarios.experiments.support.Gateway;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.RecoveryStopwatch;

/**
 * NET-2: the network between the gateway and the Llama pod cut by a Chaos Mesh {@code NetworkChaos}
 * partition. The pod stays Ready (its kubelet's probes do not cross the cut), so the Service keeps
 * routing to it, and the gateway answers 503 after its connect timeout instead of "no healthy
 * upstream". The hypothesis: 503s at the gateway within the connect timeout and a poll, the gateway's
 * availability burn alert ({@value #BURN_ALERT}) firing within its worst-case bound under an open-loop load
 * (the pod-level absence alerts cannot see a Ready pod), and service again once the rollback has deleted the
 * resource.
 */
@ChaosExperiment(id = "NET-2", title = "Gateway-to-model network partition: 503s at the gateway, pod still Ready",
    recoverySeconds = 20)
@RequiresCapability(ChaosMeshInstalled.class)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, findings = NetworkPartitionIT.READY_BUT_UNREACHABLE,
    keyNumbers = {NetworkPartitionIT.FIRST_503, RecoveryStopwatch.TIME_TO_RECOVER})
class NetworkPartitionIT {
  static final String NAMESPACE = "token-labs";
  static final String MODEL = GatewayStreams.LLAMA;
  static final String SELECTOR = "app=" + MODEL;
  static final String SERIES_COUNT = "count(sglang:num_running_reqs{model_name=\"" + MODEL + "\"})";
  /**
   * The controller applying the resource (under 1 s), a request already waiting out the gateway's 2 s
   * connect timeout, and the next one's: 5 s, plus 1 s for a loaded machine.
   */
  static final Duration BOUND_503 = Duration.ofSeconds(6);
  static final String FIRST_503 = "time to first 503 at the gateway after the partition: " + MODEL;
  static final String READY_BUT_UNREACHABLE = "partitioned pod stays Ready";
  static final String BURN_ALERT = "SLOBurnRateGatewayLayer";
  static final String TIME_TO_FIRE = "time to fire: " + BURN_ALERT + " after the partition";
  /** The open loop whose 503s the burn alert counts, as LLMD-3's outage load. */
  static final double LOAD_RATE = 20;
  static final Duration POLL = Duration.ofMillis(250);
  /** The lab gateway's connect timeout: each request to the cut pod waits it out before its 503. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private final RecoveryStopwatch recovery = new RecoveryStopwatch();

  @SteadyState
  Hypothesis llamaServed(Probes probes, Chaos chaos) {
    return Hypothesis.of("the gateway serves " + MODEL + " from a Ready pod",
        recovery.timed(chaos, "gateway serves " + MODEL,
            Gateway.completion(probes, chaos.target(), MODEL).is(HttpExpectation.status(200))),
        probes.kubernetes().readyPods(NAMESPACE, SELECTOR).is(atLeast(1)));
  }

  @BeforeEach
  void prometheusHasScrapedTheModel(Probes probes) {
    Gateway.awaitScraped(probes, SERIES_COUNT, List.of());
  }

  @Test
  @DisplayName("partition between gateway and llama pod: 503 within the connect timeout, the pod stays Ready, "
      + "served again after the NetworkChaos is deleted")
  void partitionedLlamaPod(Chaos chaos, Probes probes) {
    try {
      partition(chaos, probes);
    } finally {
      recovery.rollbackStarts();
    }
  }

  private void partition(Chaos chaos, Probes probes) {
    PrometheusProbes prometheus = probes.prometheus().pollingEvery(POLL);
    AlertState burnBefore = prometheus.alert(BURN_ALERT).state().readNow().value().orElseThrow();
    Optional<AlertFiringBound> bound = burnBefore == AlertState.INACTIVE
        ? Optional.of(AlertFiringBound.of(prometheus.client(), BURN_ALERT, prometheus.scrapeInterval())
            .plus(Gateway.burnAccumulation(prometheus, LOAD_RATE), "the load's 5xx at " + (long) LOAD_RATE
                + "/s until its 1h and 5m ratios exceed 1.44%")
            .plus(CONNECT_TIMEOUT, "each 503 waits the gateway's connect timeout")
            .plus(POLL, "the watch's poll"))
        : Optional.empty();
    Duration lasting = bound.map(AlertFiringBound::total).orElse(Duration.ZERO).plus(BOUND_503).plusSeconds(30);
    chaos.inject(openLoop(chaos, lasting));
    Instant cutAt = Instant.now();
    chaos.inject(Faults.networkPartition(NAMESPACE, SELECTOR, null).lastingAtMost(lasting.plusSeconds(30)));
    recovery.faultInjected(cutAt);

    HttpResult refused = Awaiting.reading("the gateway answers 503 for " + MODEL,
            () -> Gateway.completion(probes, chaos.target(), MODEL).readNow().value().orElseThrow())
        .atMost(BOUND_503.multipliedBy(2)).pollEvery(Duration.ofMillis(100))
        .until(answer -> answer.status() == 503);
    Duration until503 = Duration.between(cutAt, Instant.now());
    chaos.record(new KeyNumber(FIRST_503, until503.toMillis() / 1000.0, "s", "from the NetworkChaos' creation to "
        + "the first 503 of a 2-token completion polled every 100 ms; bound " + BOUND_503.toSeconds() + " s; answer: "
        + refused.body().strip()));
    assertThat(until503).as("time to the first 503 (answer %s)", refused).isLessThanOrEqualTo(BOUND_503);
    assertThat(refused.body()).as("Envoy's answer for an unreachable upstream").contains("connection timeout");

    long ready = probes.kubernetes().readyPods(NAMESPACE, SELECTOR).readNow().value().orElseThrow();
    chaos.record(new Finding(READY_BUT_UNREACHABLE + " (" + ready + " Ready)", "The partition is invisible to "
        + "Kubernetes: the pod stays Ready and in its Service's endpoints, so TokenLabsPodAbsent and "
        + "TokenLabsServiceNoEndpoints stay silent; each request waits the gateway's connect timeout before its 503. "
        + "Only the gateway-layer availability alerts (SLOBurnRateGatewayLayer) can see this failure; an "
        + "outlier-detection or active health check at the gateway would take the pod out of rotation",
        "Ready pods matching " + SELECTOR + ": " + ready + "; gateway answer: " + refused));
    assertThat(ready).as("Ready pods of %s during the partition", SELECTOR).isGreaterThanOrEqualTo(1);
    burnAlertFires(chaos, prometheus, cutAt, bound, burnBefore);
  }

  /** The gateway's burn alert fires within its bound; when already active (earlier 5xx in its 1h window), it fires. */
  private static void burnAlertFires(Chaos chaos, PrometheusProbes prometheus, Instant cutAt,
      Optional<AlertFiringBound> bound, AlertState before) {
    if (bound.isEmpty()) {
      chaos.record(new Finding(BURN_ALERT + " already " + before + " before the partition", "5xx of earlier "
          + "experiments of this run are still in its 1h window, so its time to fire is not measured here; it must "
          + "be firing during the partition", BURN_ALERT + " before the partition: " + before));
      Awaiting.reading(BURN_ALERT + " firing during the partition",
              () -> prometheus.alert(BURN_ALERT).state().readNow().value().orElse(AlertState.INACTIVE))
          .atMost(Duration.ofSeconds(30)).pollEvery(POLL).until(state -> state == AlertState.FIRING);
      return;
    }
    try (FiringWatch firing = prometheus.watchFiring(cutAt, List.of(bound.get()))) {
      AlertFiring fired = firing.await(BURN_ALERT);
      chaos.evidence("alert " + BURN_ALERT + " firing", fired + "\nbound " + bound.get().formula());
      chaos.record(new KeyNumber(TIME_TO_FIRE, fired.firingAfter().toMillis() / 1000.0, "s", "polled every "
          + POLL.toMillis() + " ms through /api/v1/rules; bound " + bound.get().formula()));
    }
  }

  /** An open loop on the model through the gateway for {@code lasting}: the requests whose 503s the alert counts. */
  private static BackgroundLoad openLoop(Chaos chaos, Duration lasting) {
    return BackgroundLoad.of(MODEL + " through the gateway during the partition", Load.openLoop(
            GatewayStreams.completions(chaos.target(), MODEL), Arrivals.constant(LOAD_RATE))
        .withWorkload(Bucket.of("short", 16, 4))
        .withBounds(new Bounds(lasting, (long) (LOAD_RATE * lasting.toSeconds()), Duration.ofSeconds(5)))
        .withProgress(Progress.none()));
  }
}
