package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.faults.Faults;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.ClusterEvent;
import run.tokenlabs.chaos.probes.api.HttpExpectation;
import run.tokenlabs.chaos.probes.api.HttpResult;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;
import run.tokenlabs.chaos.scenarios.experiments.support.DeletionEvents;
import run.tokenlabs.chaos.scenarios.experiments.support.Gateway;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.PodOwnership;
import run.tokenlabs.chaos.scenarios.experiments.support.PromEvidence;

/**
 * LLMD-3 of the reference run, case 2: the Deployment-managed Llama pod force-deleted. Unlike the
 * bare DeepSeek pod ({@link BarePodForceDeleteIT}) it comes back by itself: its ReplicaSet creates a
 * replacement, which turns Ready and is served through the gateway again, before the engine's
 * rollback (which for a managed pod only waits) has anything to do. The absence alerts may go
 * pending meanwhile; what they did is evidence, not part of the hypothesis (on a real cluster a model
 * load of minutes outlasts their {@code for:} and they rightly fire).
 */
@ChaosExperiment(id = "LLMD-3", title = "A force-deleted Deployment-managed inference pod comes back by itself",
    recoverySeconds = 30)
@RequiresCapability(ControllerPodForceDeleteIT.ManagedLlamaPod.class)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, findings = ControllerPodForceDeleteIT.EVENTS_CITED,
    keyNumbers = {ControllerPodForceDeleteIT.REPLACEMENT_READY, ControllerPodForceDeleteIT.SERVED_AGAIN})
class ControllerPodForceDeleteIT {
  static final String NAMESPACE = "token-labs";
  static final String MODEL = GatewayStreams.LLAMA;
  static final String SELECTOR = "app=" + MODEL;
  static final String SERIES_COUNT = "count(sglang:num_running_reqs{model_name=\"" + MODEL + "\"})";
  static final List<String> ALERTS = List.of("TokenLabsPodAbsent", "SGLangMetricsAbsent",
      "TokenLabsServiceNoEndpoints");
  static final String REPLACEMENT_READY = "replacement pod Ready after force-delete: " + MODEL;
  static final String EVENTS_CITED = "events: Killing and ChaosInjected for the pod, SuccessfulCreate of its replacement";
  static final String SERVED_AGAIN = "gateway serves " + MODEL + " again after force-delete";

  @SteadyState
  Hypothesis llamaServed(Probes probes, Target target) {
    return Hypothesis.of("the gateway serves " + MODEL + " from a Ready pod whose SGLang series are scraped",
        Gateway.completion(probes, target, MODEL).is(HttpExpectation.status(200)),
        probes.kubernetes().readyPods(NAMESPACE, SELECTOR).is(atLeast(1)),
        probes.prometheus().instant(SERIES_COUNT).is(atLeast(1)));
  }

  /** A target that has just started has not been scraped yet: see {@link Gateway#awaitScraped}. */
  @BeforeEach
  void prometheusHasScrapedTheModel(Probes probes) {
    Gateway.awaitScraped(probes, SERIES_COUNT, List.of());
  }

  @Test
  @DisplayName("Deployment-managed llama pod force-deleted: its ReplicaSet replaces it, Ready and served again "
      + "before the rollback")
  void managedLlamaPodReplacedByItsController(Chaos chaos, Probes probes) {
    List<String> before = podNames(chaos.target());
    Instant deletedAt = Instant.now();
    chaos.inject(Faults.forceDeletePod(NAMESPACE, SELECTOR));

    Duration untilReady = probes.kubernetes().awaitReady(NAMESPACE, SELECTOR, 1, deletedAt, Duration.ofSeconds(60));
    List<String> after = podNames(chaos.target());
    assertThat(after).as("pods of %s after the force-delete (before: %s)", SELECTOR, before)
        .isNotEmpty().doesNotContainAnyElementsOf(before);
    HttpResult served = Awaiting.reading("the gateway serves " + MODEL + " again",
            () -> Gateway.completion(probes, chaos.target(), MODEL).readNow().value().orElseThrow())
        .atMost(Duration.ofSeconds(30)).pollEvery(Duration.ofMillis(200))
        .until(answer -> answer.status() == 200);
    Duration untilServed = Duration.between(deletedAt, Instant.now());

    chaos.record(new KeyNumber(REPLACEMENT_READY, untilReady.toMillis() / 1000.0, "s", "Deployment-managed "
        + "(ReplicaSet), awaited in the experiment body before any rollback; includes the model load; polled every "
        + "500 ms"));
    chaos.record(new KeyNumber(SERVED_AGAIN, untilServed.toMillis() / 1000.0, "s", "first HTTP 200 of a 2-token "
        + "completion through the gateway, polled every 200 ms; last answer " + served));
    chaos.evidence("pods of " + SELECTOR, "before: " + before + "\nafter: " + after);
    citeEvents(chaos, probes, deletedAt, before.get(0), after);
    alertsDuringOutage(chaos, probes.prometheus(), deletedAt);
  }

  /**
   * The deleted pod's Killing (kubelet) and ChaosInjected (engine), and its ReplicaSet's SuccessfulCreate
   * naming one of the replacement pods, read back through the probes' Events.
   */
  private static void citeEvents(Chaos chaos, Probes probes, Instant deletedAt, String victim, List<String> after) {
    String pod = "Pod/" + victim;
    DeletionEvents events = DeletionEvents.await(probes, NAMESPACE, deletedAt, Map.of(DeletionEvents.KILLING, pod,
        DeletionEvents.CHAOS_INJECTED, pod, DeletionEvents.SUCCESSFUL_CREATE, "ReplicaSet/" + MODEL),
        Duration.ofSeconds(15));
    chaos.evidence("Kubernetes Events in " + NAMESPACE + " since the force-delete", events.describe());
    assertThat(after).as("pods a ReplicaSet recorded creating since the force-delete; events:\n%s", events.describe())
        .anyMatch(events::replacementCreated);
    ClusterEvent created = events.first(DeletionEvents.SUCCESSFUL_CREATE, "ReplicaSet/" + MODEL);
    chaos.record(new Finding(EVENTS_CITED, "The cluster's own record tells the recovery: '"
        + events.first(DeletionEvents.KILLING, pod) + "' (the kubelet stopped the container), '"
        + events.first(DeletionEvents.CHAOS_INJECTED, pod) + "' (the fault, written by the engine) and '" + created
        + "' (the controller's replacement, before any rollback)", events.describe()));
  }

  /** What the absence alerts did since the deletion, from Prometheus' own ALERTS series (one sample per evaluation). */
  private static void alertsDuringOutage(Chaos chaos, PrometheusProbes prometheus, Instant deletedAt) {
    long seconds = Math.max(1, Duration.between(deletedAt, Instant.now()).toSeconds() + 1);
    String promql = "sum by (alertname, alertstate) (count_over_time(ALERTS{alertname=~\""
        + String.join("|", ALERTS) + "\"}[" + seconds + "s]))";
    chaos.evidence("absence alerts since the force-delete (evaluations per state)",
        PromEvidence.describe(promql, prometheus.client().query(promql)));
  }

  private static List<String> podNames(Target target) {
    return target.kubernetes().pods().inNamespace(NAMESPACE).withLabel("app", MODEL).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).map(p -> p.getMetadata().getName()).toList();
  }

  /**
   * The Llama pod is managed by a controller (a ReplicaSet of its Deployment): the case needs a pod
   * that something recreates. Where it is bare, {@link BarePodForceDeleteIT}'s case applies instead.
   */
  public static final class ManagedLlamaPod extends PodOwnership.ControllerManaged {
    public ManagedLlamaPod() {
      super(NAMESPACE, MODEL);
    }
  }
}
