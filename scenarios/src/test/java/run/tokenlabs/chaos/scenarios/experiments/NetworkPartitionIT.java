package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.HttpExpectation;
import run.tokenlabs.chaos.probes.api.HttpResult;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.scenarios.experiments.support.Gateway;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.RecoveryStopwatch;

/**
 * NET-2: the network between the gateway and the Llama pod cut by a Chaos Mesh {@code NetworkChaos}
 * partition. The pod stays Ready (its kubelet's probes do not cross the cut), so the Service keeps
 * routing to it, and the gateway answers 503 after its connect timeout instead of "no healthy
 * upstream". The hypothesis: 503s at the gateway within the connect timeout and a poll, and service
 * again once the rollback has deleted the resource.
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
    Instant cutAt = Instant.now();
    chaos.inject(Faults.networkPartition(NAMESPACE, SELECTOR, null).lastingAtMost(Duration.ofSeconds(60)));
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
  }
}
