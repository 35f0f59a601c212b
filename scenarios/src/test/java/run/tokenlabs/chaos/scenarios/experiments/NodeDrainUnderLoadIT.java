package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;
import static run.tokenlabs.chaos.api.Tolerance.atMost;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.faults.DrainNodeFault;
import run.tokenlabs.chaos.faults.DrainReport;
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
 * DRAIN-1: {@code kubectl drain} of the GPU node serving Llama while streams run through the gateway. The
 * drain cordons the node, then asks the Eviction API to move each pod of {@code token-labs} on it; a
 * PodDisruptionBudget that allows no disruption answers 429, and the drain reports the pod and the budget
 * after a bounded retry, as {@code kubectl drain} would keep retrying.
 * <p>Hypothesis: the gateway serves the model from a Ready pod before and after, and no node stays cordoned
 * (the rollback uncordons: the nodes under the namespace's pods are read by name). Key numbers: pods evicted and blocked, requests lost, and the time until as many
 * pods are Ready as before. A blocked eviction is a finding naming the pod and the budget (the node cannot be
 * drained for maintenance without a decision); an honoured one that loses requests is a finding too.
 */
@ChaosExperiment(id = "DRAIN-1", title = "A drain of the GPU node serving Llama under load: evictions honoured or "
    + "blocked by a PodDisruptionBudget, requests lost, recovery", recoverySeconds = 30)
@RequiresCapability(ControllerPodForceDeleteIT.ManagedLlamaPod.class)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, findings = NodeDrainUnderLoadIT.BLOCKED_FINDING,
    keyNumbers = {NodeDrainUnderLoadIT.LOST, NodeDrainUnderLoadIT.EVICTED, NodeDrainUnderLoadIT.BLOCKED,
        NodeDrainUnderLoadIT.RECOVERY})
class NodeDrainUnderLoadIT {
  static final String NAMESPACE = "token-labs";
  static final String MODEL = GatewayStreams.LLAMA;
  static final String SELECTOR = "app=" + MODEL;
  static final String LOST = "requests lost in the node drain: " + MODEL;
  static final String EVICTED = "pods evicted by the drain";
  static final String BLOCKED = "pods the drain could not evict";
  static final String RECOVERY = "Ready pods back after the drain: " + MODEL;
  static final String BLOCKED_FINDING = "drain blocked by a PodDisruptionBudget";
  static final String LOST_FINDING = "node drain lost requests";
  static final double LOAD_RATE = 4;
  static final Duration LOAD_DURATION = Duration.ofSeconds(8);
  /** How long a refused eviction is retried: kubectl drain retries every 5 s until its --timeout. */
  static final Duration EVICTION_RETRY = Duration.ofSeconds(3);

  @SteadyState
  Hypothesis llamaServedNoNodeCordoned(Probes probes, Target target) {
    return Hypothesis.of("the gateway serves " + MODEL + " from a Ready pod, and no node is cordoned",
        Gateway.completion(probes, target, MODEL).is(HttpExpectation.status(200)),
        probes.kubernetes().readyPods(NAMESPACE, SELECTOR).is(atLeast(1)),
        Probe.of("cordoned nodes under the pods of " + NAMESPACE, () -> Reading.of(cordonedNodes(target)))
            .is(atMost(0)));
  }

  /** The nodes of {@value #NAMESPACE}'s pods that are cordoned, each read by name (no node list is granted). */
  private static long cordonedNodes(Target target) {
    return target.kubernetes().pods().inNamespace(NAMESPACE).list().getItems().stream()
        .map(p -> p.getSpec().getNodeName()).filter(java.util.Objects::nonNull).distinct()
        .map(n -> target.kubernetes().nodes().withName(n).get())
        .filter(n -> n != null && n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable())).count();
  }

  @Test
  @DisplayName("drain of the node serving llama under load: evictions honoured or blocked by a PodDisruptionBudget, "
      + "requests lost, Ready pods back, node uncordoned by the rollback")
  void drainUnderLoad(Chaos chaos, Probes probes) {
    List<Pod> pods = readyPods(chaos.target());
    String node = pods.get(0).getSpec().getNodeName();
    int wanted = wantedReady(chaos.target(), pods.size());
    BackgroundLoad load = GatewayStreams.backgroundStreams(chaos.target(), MODEL, LOAD_RATE, LOAD_DURATION);
    chaos.inject(load);

    DrainNodeFault drain = Faults.drainNode(node, NAMESPACE).retryEvictionsFor(EVICTION_RETRY);
    chaos.inject(drain);
    Instant drained = Instant.now();
    DrainReport report = drain.report();
    Node cordoned = chaos.target().kubernetes().nodes().withName(node).get();
    Awaiting.reading("as many " + MODEL + " pods Ready as before the drain, up to the Deployment's replicas ("
                + wanted + ")", () -> readyPods(chaos.target()).size())
        .atMost(Duration.ofSeconds(20)).pollEvery(Duration.ofMillis(200)).until(ready -> ready >= wanted);
    Duration recovery = Duration.between(drained, Instant.now());

    LoadResult result = load.awaitResult(LOAD_DURATION.plusSeconds(30));
    Ledger ledger = result.ledger();
    long lost = ledger.scheduled() - ledger.count(Outcome.COMPLETE);
    ChartEvidence.ledger("open loop of streams to " + MODEL + " through the gateway", result).record(chaos);
    chaos.evidence("drain of node " + node, "evicted: " + report.evicted() + "\nblocked: " + lines(report.blocked())
        + "\nleft alone: " + lines(report.leftAlone()) + "\nload: " + result);
    chaos.record(new KeyNumber(EVICTED, report.evicted().size(), "pods", "of " + NAMESPACE + " on " + node
        + ", through the Eviction API: " + report.evicted()));
    chaos.record(new KeyNumber(BLOCKED, report.blocked().size(), "pods", "refused (429) for "
        + EVICTION_RETRY.toSeconds() + " s of retries: " + report.blocked().keySet()));
    chaos.record(new KeyNumber(LOST, lost, "requests", "of " + ledger.scheduled() + " streams at " + (long) LOAD_RATE
        + "/s over " + LOAD_DURATION.toSeconds() + " s: every outcome but COMPLETE; " + ledger));
    chaos.record(new KeyNumber(RECOVERY, recovery.toMillis() / 1000.0, "s", "from the end of the drain's evictions "
        + "until " + wanted + " pods of " + SELECTOR + " were Ready again (" + pods.size() + " before the drain, the"
        + " Deployment wants " + wanted + " or more), polled every 200 ms (about 0 when nothing was evicted)"));
    if (!report.complete()) {
      chaos.record(blocked(node, report));
    }
    if (lost > 0) {
      chaos.record(new Finding(LOST_FINDING + ": " + lost, lost + " of " + ledger.scheduled() + " streams to " + MODEL
          + " did not complete while node " + node + " was drained (" + ledger + "): an evicted pod stops its "
          + "streams; a drain is lossless only with a second Ready replica elsewhere and a termination grace "
          + "period above the longest stream", ledger.toString()));
    }
    assertThat(cordoned.getSpec().getUnschedulable()).as("node %s cordoned by the drain", node).isTrue();
    assertThat(ledger.balanced()).as("every request of the load accounted for: %s", ledger).isTrue();
    assertThat(report.evicted().size() + report.blocked().size()).as("pods of %s on %s the drain acted on: %s",
        NAMESPACE, node, report).isPositive();
  }

  static Finding blocked(String node, DrainReport report) {
    return new Finding(BLOCKED_FINDING + ": " + String.join(", ", report.blocked().keySet()), "Node " + node
        + " could not be drained: the Eviction API refused " + report.blocked().size() + " pod(s) for "
        + EVICTION_RETRY.toSeconds() + " s (" + lines(report.blocked()) + "). A budget of minAvailable 1 on a "
        + "Deployment of 1 replica allows no voluntary disruption, so kubectl drain waits forever and node "
        + "maintenance (driver or kernel upgrades) stalls. Run 2 replicas on different nodes, or set "
        + "maxUnavailable 1 and accept the downtime as a decision; the pods kept serving meanwhile",
        lines(report.blocked()));
  }

  private static String lines(Map<String, String> byPod) {
    return byPod.isEmpty() ? "none" : byPod.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining("; "));
  }

  /**
   * The Ready pods the drain must leave behind once its replacements are up: as many as before, but no more
   * than the Deployment asks for. A pod left over from an earlier fault (a surplus its ReplicaSet has not yet
   * removed) is not capacity the controller would restore after an eviction.
   */
  private static int wantedReady(Target target, int readyBefore) {
    var deployment = target.kubernetes().apps().deployments().inNamespace(NAMESPACE).withName(MODEL).get();
    Integer replicas = deployment == null || deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
    return replicas == null ? readyBefore : Math.min(readyBefore, Math.max(1, replicas));
  }

  private static List<Pod> readyPods(Target target) {
    return target.kubernetes().pods().inNamespace(NAMESPACE).withLabel("app", MODEL).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).filter(p -> p.getStatus() != null
            && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))).toList();
  }
}
