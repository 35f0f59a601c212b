package run.tokenlabs.chaos.faults;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apiguardian.api.API;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import run.tokenlabs.chaos.api.SafetyLabels;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * Drains one node as {@code kubectl drain} does: cordons it (a merge patch of {@code spec.unschedulable: true}),
 * then asks the Eviction API ({@code policy/v1}) to evict each pod on it, so PodDisruptionBudgets are
 * honoured. Pods owned by a DaemonSet, mirror pods and pods already terminating are skipped, as kubectl
 * skips them; pods in namespaces the fault was not given are left alone and reported, never evicted. An
 * eviction answered 429 (a PodDisruptionBudget allows no disruption now) is retried until
 * {@link #retryEvictionsFor(Duration) a bound}; the pods still there then are reported with the budgets
 * that held them ({@link #report()}), and the experiment decides whether that is a finding.
 *
 * <p>Its rollback ({@link Uncordon}) puts {@code spec.unschedulable} back as it was. Evicted pods are not
 * brought back: their controllers replace them, on other nodes while this one is cordoned.
 *
 * <p>The engine lets the cordon through only for a node listed in {@code kubernetes.allowedNodes} that
 * carries {@value SafetyLabels#NAMESPACE_LABEL}{@code =}{@value SafetyLabels#NAMESPACE_LABEL_VALUE}, and
 * counts each eviction against {@code kubernetes.maxPodsPerRun}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class DrainNodeFault implements Fault<DrainNodeFault.Uncordon> {
  /** The annotation the kubelet puts on a mirror pod (a static pod's API object). */
  static final String MIRROR = "kubernetes.io/config.mirror";
  /** How long a blocked eviction is retried when no bound is given. */
  public static final Duration DEFAULT_EVICTION_RETRY = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(250);

  private final String node;
  private final Set<String> namespaces;
  private final Duration evictionRetry;
  private volatile DrainPlan plan;
  private volatile DrainReport report;

  public DrainNodeFault(String node, Set<String> namespaces, Duration evictionRetry) {
    this.node = Objects.requireNonNull(node, "node");
    this.namespaces = Set.copyOf(new TreeSet<>(namespaces));
    this.evictionRetry = Objects.requireNonNull(evictionRetry, "evictionRetry");
    if (namespaces.isEmpty()) {
      throw new IllegalArgumentException("a node drain needs at least one namespace to evict pods in; name the "
          + "namespaces of the pods meant to move (they must be in namespaces.allowed and labelled)");
    }
    if (evictionRetry.isNegative()) {
      throw new IllegalArgumentException("evictionRetry must be >= 0, was " + evictionRetry);
    }
  }

  /** This drain, retrying a blocked eviction for at most {@code bound} (0: once). */
  public DrainNodeFault retryEvictionsFor(Duration bound) {
    return new DrainNodeFault(node, namespaces, bound);
  }

  /**
   * What it does; after {@link #prepare} it names the cordon patch, the pods it will evict and those it
   * leaves, which is what a dry run prints.
   */
  @Override
  public String description() {
    DrainPlan p = plan;
    String head = "drain node " + node + " (cordon with merge patch " + Uncordon.patch(true)
        + ", then evict its pods in " + new TreeSet<>(namespaces) + " through the Eviction API, honouring "
        + "PodDisruptionBudgets)";
    return p == null ? head : head + ": to evict " + p.evict() + "; leaves " + p.leave();
  }

  @Override
  public Set<String> namespaces() {
    return namespaces;
  }

  @Override
  public Uncordon prepare(Target target) {
    KubernetesClient client = target.kubernetes();
    Node n = client.nodes().withName(node).get();
    if (n == null) {
      throw new IllegalStateException("no node '" + node + "' on the target; check with 'kubectl get nodes'");
    }
    Map<String, String> labels = n.getMetadata().getLabels();
    if (labels == null || !SafetyLabels.NAMESPACE_LABEL_VALUE.equals(labels.get(SafetyLabels.NAMESPACE_LABEL))) {
      throw new IllegalStateException("node '" + node + "' is not labelled for chaos, so it may not be drained; label "
          + "it with 'kubectl label node " + node + " " + SafetyLabels.NAMESPACE_LABEL + "="
          + SafetyLabels.NAMESPACE_LABEL_VALUE + "' and list it in kubernetes.allowedNodes if draining it is meant");
    }
    plan = DrainPlan.of(podsOn(client), namespaces);
    Boolean before = n.getSpec() == null ? null : n.getSpec().getUnschedulable();
    return new Uncordon(node, before);
  }

  @Override
  public void act(Target target, Uncordon rollback) {
    KubernetesClient client = target.kubernetes();
    client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE), Uncordon.patch(true));
    DrainPlan now = DrainPlan.of(podsOn(client), namespaces); // pods may have come or gone since prepare
    List<String> evicted = new ArrayList<>();
    Map<String, String> blocked = new LinkedHashMap<>();
    for (String pod : now.evict()) {
      if (evictWithin(client, pod)) {
        evicted.add(pod);
      } else {
        blocked.put(pod, PdbExplanation.of(client, pod));
      }
    }
    report = new DrainReport(node, evicted, blocked, now.leave());
  }

  /**
   * What the drain did: the pods evicted, those an eviction could not move (with the PodDisruptionBudgets
   * that held them), and those it left alone.
   *
   * @throws IllegalStateException before the fault has acted
   */
  public DrainReport report() {
    DrainReport r = report;
    if (r == null) {
      throw new IllegalStateException("drain of node " + node + " has not acted yet; read its report after "
          + "Chaos.inject returned");
    }
    return r;
  }

  /** Evicts {@code ns/name}, retrying while a PodDisruptionBudget refuses it (429); false when it never went. */
  private boolean evictWithin(KubernetesClient client, String pod) {
    String[] parts = pod.split("/", 2);
    var eviction = new EvictionBuilder().withNewMetadata().withNamespace(parts[0]).withName(parts[1]).endMetadata()
        .build();
    var resource = client.pods().inNamespace(parts[0]).withName(parts[1]);
    try {
      Awaitility.await("eviction of pod " + pod + " from node " + node).atMost(evictionRetry.plus(POLL))
          .pollDelay(Duration.ZERO).pollInterval(POLL).until(() -> resource.evict(eviction));
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  private List<Pod> podsOn(KubernetesClient client) {
    return client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems().stream()
        .filter(p -> p.getSpec() != null && node.equals(p.getSpec().getNodeName()))
        .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getNamespace())
            .thenComparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /**
   * The undo of a drain's cordon: {@code spec.unschedulable} back to what it was before (unset, false, or
   * true for a node that was already cordoned). Idempotent. The evicted pods are their controllers' to
   * replace; nothing is recreated.
   *
   * @param node the drained node
   * @param unschedulableBefore {@code spec.unschedulable} before the drain; {@code null} when it was unset
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Uncordon(String node, Boolean unschedulableBefore) implements Rollback {

    public Uncordon {
      Objects.requireNonNull(node, "node");
    }

    /** The merge patch that sets {@code spec.unschedulable} to {@code value} ({@code null}: removes it). */
    static String patch(Boolean value) {
      return "{\"spec\":{\"unschedulable\":" + value + "}}";
    }

    @Override
    public String description() {
      return "uncordon node " + node + " (merge patch " + patch(unschedulableBefore) + ", as before the drain)";
    }

    @Override
    public void undo(Target target, Duration timeout) {
      target.kubernetes().nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE),
          patch(unschedulableBefore));
    }
  }
}
