package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.faults.Faults;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.Ledger;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.HttpExpectation;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.scenarios.experiments.support.ChartEvidence;
import run.tokenlabs.chaos.scenarios.experiments.support.Gateway;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;

/**
 * ROLL-1: {@code kubectl rollout restart} of the Llama Deployment while streams run through the
 * gateway. The Deployment replaces its pod within {@code maxSurge}/{@code maxUnavailable} (at one
 * replica: a new pod first, the old one deleted once the new one is Ready), so the model never lacks a
 * Ready pod; what a rollout can still lose is the streams in flight on the old pod when it goes.
 * <p>Hypothesis: every pod is replaced and the gateway serves the model again. The requests the load lost
 * (every outcome but COMPLETE) are a key number, and a finding when above 0, with the settings that keep
 * a rollout lossless.
 */
@ChaosExperiment(id = "ROLL-1", title = "A rolling restart of the Llama Deployment under load: every pod replaced, "
    + "requests lost in flight counted", recoverySeconds = 45)
@RequiresCapability(ControllerPodForceDeleteIT.ManagedLlamaPod.class)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD,
    keyNumbers = {RollingRestartUnderLoadIT.LOST, RollingRestartUnderLoadIT.ROLLOUT})
class RollingRestartUnderLoadIT {
  static final String NAMESPACE = "token-labs";
  static final String MODEL = GatewayStreams.LLAMA;
  static final String SELECTOR = "app=" + MODEL;
  static final String LOST = "requests lost in the rolling restart: " + MODEL;
  static final String ROLLOUT = "rolling restart finished: " + MODEL;
  static final String LOST_FINDING = "rolling restart lost requests";
  /** Streams per second, each long enough to be in flight when the old pod goes. */
  static final double LOAD_RATE = 6;
  static final Duration LOAD_DURATION = Duration.ofSeconds(20);

  @SteadyState
  Hypothesis llamaServed(Probes probes, Target target) {
    return Hypothesis.of("the gateway serves " + MODEL + " from a Ready pod",
        Gateway.completion(probes, target, MODEL).is(HttpExpectation.status(200)),
        probes.kubernetes().readyPods(NAMESPACE, SELECTOR).is(atLeast(1)));
  }

  @Test
  @DisplayName("rolling restart of the llama Deployment under load: every pod replaced, served again; requests "
      + "lost in flight counted")
  void rollingRestartUnderLoad(Chaos chaos, Probes probes) {
    List<String> before = podNames(chaos.target(), false);
    BackgroundLoad load = GatewayStreams.backgroundStreams(chaos.target(), MODEL, LOAD_RATE, LOAD_DURATION);
    chaos.inject(load);
    Awaiting.reading("the gateway serves " + MODEL + " under the load",
            () -> Gateway.completion(probes, chaos.target(), MODEL).readNow().value().orElseThrow().status())
        .atMost(Duration.ofSeconds(10)).pollEvery(Duration.ofMillis(200)).until(status -> status == 200);

    Instant restartedAt = Instant.now();
    chaos.inject(Faults.rollingRestart(NAMESPACE, MODEL));
    List<String> after = Awaiting.reading("every " + MODEL + " pod replaced and one Ready",
            () -> podNames(chaos.target(), true))
        .atMost(Duration.ofSeconds(40)).pollEvery(Duration.ofMillis(200))
        .until(ready -> !ready.isEmpty() && podNames(chaos.target(), false).stream().noneMatch(before::contains));
    Duration rollout = Duration.between(restartedAt, Instant.now());

    LoadResult result = load.awaitResult(LOAD_DURATION.plusSeconds(40));
    Ledger ledger = result.ledger();
    long lost = ledger.scheduled() - ledger.count(Outcome.COMPLETE);
    ChartEvidence.ledger("open loop of streams to " + MODEL + " through the gateway", result).record(chaos);
    chaos.evidence("pods of " + SELECTOR, "before: " + before + "\nafter (Ready): " + after + "\nload: " + result);
    chaos.record(new KeyNumber(ROLLOUT, rollout.toMillis() / 1000.0, "s", "from the restartedAt patch until no "
        + "pod of before was left and a new one was Ready, polled every 200 ms; includes the model load"));
    chaos.record(new KeyNumber(LOST, lost, "requests", "of " + ledger.scheduled() + " streams at "
        + (long) LOAD_RATE + "/s over " + LOAD_DURATION.toSeconds() + " s: every outcome but COMPLETE; " + ledger));
    chaos.record(lost > 0 ? lostRequests(lost, ledger) : new Finding("rolling restart lost no request",
        "All " + ledger.scheduled() + " streams completed while every pod of " + MODEL + " was replaced", ledger.toString()));
    assertThat(ledger.balanced()).as("every request of the load accounted for: %s", ledger).isTrue();
    assertThat(after).as("Ready pods of %s after the rollout (before: %s)", SELECTOR, before)
        .doesNotContainAnyElementsOf(before);
  }

  static Finding lostRequests(long lost, Ledger ledger) {
    return new Finding(LOST_FINDING + ": " + lost, lost + " of " + ledger.scheduled() + " streams to " + MODEL
        + " did not complete during the rolling restart (" + ledger + "): the old pod went while streams ran on it, "
        + "or while the gateway still routed to it. A lossless rollout needs a readinessProbe on the serving "
        + "endpoint (so the new pod gets traffic only once it serves), a preStop sleep longer than the endpoint "
        + "propagation (about 5-10 s, so the gateway stops routing before the server stops), a "
        + "terminationGracePeriodSeconds above the longest stream (vLLM finishes in-flight requests on SIGTERM "
        + "within it), and maxUnavailable 0. On the lab an old pod is killed at once, with no grace period",
        ledger.toString());
  }

  /** The pods of the selector not being deleted; only the Ready ones when {@code ready}. */
  private static List<String> podNames(Target target, boolean ready) {
    return target.kubernetes().pods().inNamespace(NAMESPACE).withLabel("app", MODEL).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).filter(p -> !ready || isReady(p))
        .map(p -> p.getMetadata().getName()).toList();
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
