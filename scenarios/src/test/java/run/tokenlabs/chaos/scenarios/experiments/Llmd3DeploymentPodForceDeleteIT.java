package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.spi.Capability;
import run.tokenlabs.chaos.faults.Faults;
import run.tokenlabs.chaos.probes.api.HttpExpectation;
import run.tokenlabs.chaos.probes.api.HttpResult;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;

/**
 * LLMD-3 of the reference run, case 2: the Deployment-managed Llama pod force-deleted. Unlike the
 * bare DeepSeek pod ({@link Llmd3PodForceDeleteIT}) it comes back by itself: its ReplicaSet creates a
 * replacement, which turns Ready and is served through the gateway again, before the engine's
 * rollback (which for a managed pod only waits) has anything to do. The absence alerts may go
 * pending meanwhile; what they did is evidence, not part of the hypothesis (on a real cluster a model
 * load of minutes outlasts their {@code for:} and they rightly fire).
 */
@ChaosExperiment(id = "LLMD-3", title = "A force-deleted Deployment-managed inference pod comes back by itself",
    recoverySeconds = 30)
@RequiresCapability(Llmd3DeploymentPodForceDeleteIT.ManagedLlamaPod.class)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD,
    keyNumbers = {"replacement pod Ready", "gateway serves llama-3-1-8b again"})
class Llmd3DeploymentPodForceDeleteIT {
  static final String NAMESPACE = "token-labs";
  static final String MODEL = "llama-3-1-8b";
  static final String SELECTOR = "app=" + MODEL;
  static final String SERIES_COUNT = "count(sglang:num_running_reqs{model_name=\"" + MODEL + "\"})";
  static final List<String> ALERTS = List.of("TokenLabsPodAbsent", "SGLangMetricsAbsent",
      "TokenLabsServiceNoEndpoints");

  @SteadyState
  Hypothesis llamaServed(Probes probes, Target target) {
    return Hypothesis.of("the gateway serves " + MODEL + " from a Ready pod whose SGLang series are scraped",
        Llmd3Support.completion(probes, target, MODEL).is(HttpExpectation.status(200)),
        probes.kubernetes().readyPods(NAMESPACE, SELECTOR).is(atLeast(1)),
        probes.prometheus().instant(SERIES_COUNT).is(atLeast(1)));
  }

  /** A target that has just started has not been scraped yet: see {@link Llmd3Support#awaitScraped}. */
  @BeforeEach
  void prometheusHasScrapedTheModel(Probes probes) {
    Llmd3Support.awaitScraped(probes, SERIES_COUNT, List.of());
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
    AtomicReference<HttpResult> last = new AtomicReference<>();
    var completion = Llmd3Support.completion(probes, chaos.target(), MODEL);
    await("the gateway serves " + MODEL + " again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          last.set(Llmd3Support.read(completion).orElseThrow());
          return last.get().status() == 200;
        });
    Duration untilServed = Duration.between(deletedAt, Instant.now());

    chaos.keyNumber("replacement pod Ready after force-delete: " + MODEL, untilReady.toMillis() / 1000.0, "s",
        "Deployment-managed (ReplicaSet), awaited in the experiment body before any rollback; includes the model "
        + "load; polled every 500 ms");
    chaos.keyNumber("gateway serves " + MODEL + " again after force-delete", untilServed.toMillis() / 1000.0, "s",
        "first HTTP 200 of a 2-token completion through the gateway, polled every 200 ms; last answer " + last.get());
    chaos.evidence("pods of " + SELECTOR, "before: " + before + "\nafter: " + after);
    alertsDuringOutage(chaos, probes.prometheus(), deletedAt);
  }

  /** What the absence alerts did since the deletion, from Prometheus' own ALERTS series (one sample per evaluation). */
  private static void alertsDuringOutage(Chaos chaos, PrometheusProbes prometheus, Instant deletedAt) {
    long seconds = Math.max(1, Duration.between(deletedAt, Instant.now()).toSeconds() + 1);
    String promql = "sum by (alertname, alertstate) (count_over_time(ALERTS{alertname=~\""
        + String.join("|", ALERTS) + "\"}[" + seconds + "s]))";
    chaos.evidence("absence alerts since the force-delete (evaluations per state)",
        PromWindows.describe(promql, prometheus.client().query(promql)));
  }

  private static List<String> podNames(Target target) {
    return target.kubernetes().pods().inNamespace(NAMESPACE).withLabel("app", MODEL).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).map(p -> p.getMetadata().getName()).toList();
  }

  /**
   * The Llama pod is managed by a controller (a ReplicaSet of its Deployment): the case needs a pod
   * that something recreates. Where it is bare, {@link Llmd3PodForceDeleteIT}'s case applies instead.
   */
  public static final class ManagedLlamaPod implements Capability {
    @Override
    public String name() {
      return "controller-managed " + MODEL + " pod";
    }

    @Override
    public Availability check(Target target) {
      var pods = target.kubernetes().pods().inNamespace(NAMESPACE).withLabel("app", MODEL).list().getItems();
      if (pods.isEmpty()) {
        return Availability.absent("no pod matches " + SELECTOR + " in namespace " + NAMESPACE);
      }
      var bare = pods.stream().filter(p -> p.getMetadata().getOwnerReferences() == null
          || p.getMetadata().getOwnerReferences().stream().noneMatch(o -> Boolean.TRUE.equals(o.getController())))
          .toList();
      return bare.isEmpty()
          ? Availability.present("pods " + pods.stream().map(p -> p.getMetadata().getName() + " (owned by "
              + p.getMetadata().getOwnerReferences().get(0).getKind() + ")").toList())
          : Availability.absent("pod " + bare.get(0).getMetadata().getName() + " has no controller: nothing "
              + "recreates it; the bare-pod case covers it");
    }
  }
}
