package run.tokenlabs.chaos.faults;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * Force-deletes one pod matching a label selector (grace period 0), like
 * {@code kubectl delete pod --grace-period=0 --force}. The first non-terminating match by name is
 * chosen, so repeated runs pick the same pod.
 *
 * <p>Its rollback depends on who owns the pod: a bare pod (no controller) is recreated from its
 * captured manifest; a controller-managed pod is left to its controller, and the rollback waits
 * until as many matching pods are Ready as before.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ForceDeletePodFault implements Fault {
  private final String namespace;
  private final String selector;
  private final Map<String, String> labels;
  private Pod victim;

  public ForceDeletePodFault(String namespace, String selector) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.selector = Objects.requireNonNull(selector, "selector");
    this.labels = LabelSelectors.parse(selector);
  }

  @Override
  public String description() {
    String pod = victim == null ? "one pod matching " + selector : "pod " + victim.getMetadata().getName();
    return "force-delete " + pod + " in " + namespace + " (grace period 0)";
  }

  @Override
  public Set<String> namespaces() {
    return Set.of(namespace);
  }

  @Override
  public Rollback prepare(Target target) {
    List<Pod> pods = target.kubernetes().pods().inNamespace(namespace).withLabels(labels).list().getItems();
    List<Pod> live = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    victim = live.stream().min(Comparator.comparing(p -> p.getMetadata().getName()))
        .orElseThrow(() -> new IllegalStateException("no running pod matches '" + selector + "' in namespace '"
            + namespace + "' (" + pods.size() + " matched, all terminating); check the selector with "
            + "'kubectl get pods -n " + namespace + " -l " + selector + "'"));
    long readyBefore = live.stream().filter(PodReadiness::isReady).count();
    Optional<OwnerReference> controller = controllerOf(victim);
    String name = victim.getMetadata().getName();
    Map<String, String> state = Map.of(
        RecreatePodRollbackHandler.NAMESPACE, namespace,
        RecreatePodRollbackHandler.NAME, name,
        RecreatePodRollbackHandler.SELECTOR, selector,
        RecreatePodRollbackHandler.MANAGED, String.valueOf(controller.isPresent()),
        RecreatePodRollbackHandler.READY_BEFORE, String.valueOf(readyBefore),
        RecreatePodRollbackHandler.MANIFEST, Serialization.asJson(strip(victim)));
    String description = controller
        .map(c -> "wait for " + c.getKind() + " " + c.getName() + " to replace pod " + namespace + "/" + name
            + " (" + readyBefore + " Ready pods matching " + selector + " again)")
        .orElse("recreate bare pod " + namespace + "/" + name + " from its captured manifest");
    return new Rollback(RecreatePodRollbackHandler.KIND, description, state);
  }

  @Override
  public void act(Target target) {
    target.kubernetes().pods().inNamespace(namespace).withName(victim.getMetadata().getName())
        .withGracePeriod(0).delete();
  }

  static Optional<OwnerReference> controllerOf(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    return owners == null ? Optional.empty()
        : owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
  }

  /** The pod as it can be created again: no status, no server-set metadata, no node binding. */
  static Pod strip(Pod pod) {
    ObjectMeta meta = pod.getMetadata();
    Pod copy = new PodBuilder(pod)
        .withStatus(null)
        .withNewMetadata()
          .withName(meta.getName())
          .withNamespace(meta.getNamespace())
          .withLabels(meta.getLabels())
          .withAnnotations(meta.getAnnotations())
          .withOwnerReferences(meta.getOwnerReferences())
        .endMetadata()
        .build();
    copy.getSpec().setNodeName(null);
    return copy;
  }
}
