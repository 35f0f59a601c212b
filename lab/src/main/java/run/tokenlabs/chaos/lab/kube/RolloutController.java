package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import run.tokenlabs.chaos.lab.api.LabProfile;
import run.tokenlabs.chaos.lab.api.ModelProfile;

/**
 * The lab's Deployment controller for template changes ({@code kubectl rollout restart} sets
 * {@value #RESTARTED_AT}): a new ReplicaSet for the new template, and a rolling update within the
 * Deployment's {@code maxSurge}/{@code maxUnavailable} (default 25% each, rounded up and down): a new
 * pod is created while the surge allows, an old one deleted while enough stay Ready. A new pod is Ready
 * after its model-load delay, as the {@link Reconciler} runs it; an old one is deleted at once (its
 * streams are cut), as the lab kills every deleted pod.
 */
public final class RolloutController implements AutoCloseable {
  static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
  private static final Logger LOG = Logger.getLogger(RolloutController.class.getName());

  private final KubernetesClient client;
  private final LabProfile profile;
  private final EventRecorder events;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lab-rollout");
    t.setDaemon(true);
    return t;
  });

  public RolloutController(KubernetesClient client, LabProfile profile) {
    this.client = client;
    this.profile = profile;
    this.events = new EventRecorder(client, Clock.systemUTC());
  }

  /** Checks every Deployment every 200 ms: one step of each rollout in progress per check. */
  public RolloutController start() {
    worker.scheduleWithFixedDelay(this::stepAll, 200, 200, TimeUnit.MILLISECONDS);
    return this;
  }

  private void stepAll() {
    for (ModelProfile m : profile.models()) {
      if (m.bare()) {
        continue;
      }
      try {
        step(m);
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "rollout step of " + m.name() + " failed; retried on the next check", e);
      }
    }
  }

  private void step(ModelProfile model) {
    Deployment d = client.apps().deployments().inNamespace(Topology.NAMESPACE).withName(model.name()).get();
    if (d == null) {
      return;
    }
    String wanted = templateRestartedAt(d);
    List<ReplicaSet> sets = client.apps().replicaSets().inNamespace(Topology.NAMESPACE).list().getItems().stream()
        .filter(rs -> ownedBy(rs.getMetadata().getOwnerReferences(), "Deployment", model.name())).toList();
    Optional<ReplicaSet> current = sets.stream().filter(rs -> Objects.equals(wanted, restartedAtOf(rs))).findFirst();
    if (wanted == null && current.isEmpty()) {
      return; // never restarted: the seeded ReplicaSet is current
    }
    ReplicaSet fresh = current.orElseGet(() -> newReplicaSet(d, wanted));
    String freshName = fresh.getMetadata().getName();
    List<Pod> pods = client.pods().inNamespace(Topology.NAMESPACE).withLabel("app", model.name()).list().getItems()
        .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    List<Pod> updated = pods.stream().filter(p -> ownedBy(p.getMetadata().getOwnerReferences(), "ReplicaSet",
        freshName)).toList();
    List<Pod> old = pods.stream().filter(p -> !updated.contains(p)).toList();
    if (old.isEmpty() && (current.isPresent() || updated.size() >= replicas(d))) {
      // the rollout is done: a pod of the current ReplicaSet deleted now is the ReplicaSet's to replace (the
      // Reconciler does it); creating one here as well left two pods for one replica
      return;
    }
    int replicas = replicas(d);
    int surge = scaled(rollingUpdate(d, true), replicas, true);
    int unavailable = scaled(rollingUpdate(d, false), replicas, false);
    if (surge == 0 && unavailable == 0) {
      surge = 1; // as the API server's validation demands, one of them is positive
    }
    long ready = pods.stream().filter(RolloutController::isReady).count();
    if (updated.size() < replicas && pods.size() < replicas + surge) {
      createPod(model, fresh, wanted);
    } else if (!old.isEmpty() && ready - (isReady(old.get(0)) ? 1 : 0) >= replicas - unavailable) {
      deleteOld(old.get(0));
    }
  }

  private ReplicaSet newReplicaSet(Deployment d, String restartedAt) {
    String name = d.getMetadata().getName() + "-" + Topology.randomSuffix(10);
    ReplicaSet rs = client.apps().replicaSets().inNamespace(Topology.NAMESPACE).resource(new ReplicaSetBuilder()
        .withNewMetadata().withName(name).withUid(UUID.randomUUID().toString())
        .addToLabels("app", d.getMetadata().getName()).addToAnnotations(RESTARTED_AT, restartedAt)
        .withOwnerReferences(Topology.owner("apps/v1", "Deployment", d.getMetadata().getName(),
            d.getMetadata().getUid())).endMetadata()
        .withNewSpec().withReplicas(replicas(d)).withSelector(d.getSpec().getSelector()).endSpec().build()).create();
    events.normal(d, null, "ScalingReplicaSet", "Scaled up replica set " + name + " from 0 to " + replicas(d),
        EventRecorder.Source.DEPLOYMENT_CONTROLLER);
    return rs;
  }

  private void createPod(ModelProfile model, ReplicaSet rs, String restartedAt) {
    Pod pod = Topology.modelPod(model, rs.getMetadata().getName() + "-" + Topology.randomSuffix(5),
        Topology.owner("apps/v1", "ReplicaSet", rs.getMetadata().getName(), rs.getMetadata().getUid()));
    pod.getMetadata().setAnnotations(Map.of(RESTARTED_AT, restartedAt));
    // a cordoned node takes no new pod: it waits Pending, and the reconciler binds it once uncordoned
    boolean placeable = Scheduling.schedulable(client.nodes().withName(model.node()).get());
    Pod created = client.pods().inNamespace(Topology.NAMESPACE)
        .resource(placeable ? pod : Scheduling.pending(pod, profile.nodes().size())).create();
    events.normal(rs, null, "SuccessfulCreate", "Created pod: " + pod.getMetadata().getName(),
        EventRecorder.Source.REPLICASET_CONTROLLER);
    if (!placeable) {
      events.warning(created, "FailedScheduling", Scheduling.failedScheduling(profile.nodes().size()),
          EventRecorder.Source.SCHEDULER);
    }
  }

  /** Scales the old pod's ReplicaSet down by one (so nothing replaces it) and deletes the pod. */
  private void deleteOld(Pod pod) {
    pod.getMetadata().getOwnerReferences().stream().filter(o -> "ReplicaSet".equals(o.getKind())).findFirst()
        .ifPresent(o -> {
          var rs = client.apps().replicaSets().inNamespace(Topology.NAMESPACE).withName(o.getName());
          ReplicaSet set = rs.get();
          if (set != null) {
            int now = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
            rs.edit(r -> new ReplicaSetBuilder(r).editSpec().withReplicas(Math.max(0, now - 1)).endSpec().build());
          }
        });
    client.pods().inNamespace(Topology.NAMESPACE).withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
  }

  static String templateRestartedAt(Deployment d) {
    Map<String, String> a = d.getSpec().getTemplate().getMetadata() == null ? null
        : d.getSpec().getTemplate().getMetadata().getAnnotations();
    return a == null ? null : a.get(RESTARTED_AT);
  }

  private static String restartedAtOf(ReplicaSet rs) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    return a == null ? null : a.get(RESTARTED_AT);
  }

  private static boolean ownedBy(List<OwnerReference> owners, String kind, String name) {
    return owners != null && owners.stream().anyMatch(o -> kind.equals(o.getKind()) && name.equals(o.getName()));
  }

  private static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  private static IntOrString rollingUpdate(Deployment d, boolean surge) {
    var strategy = d.getSpec().getStrategy();
    var rolling = strategy == null ? null : strategy.getRollingUpdate();
    IntOrString value = rolling == null ? null : surge ? rolling.getMaxSurge() : rolling.getMaxUnavailable();
    return value == null ? new IntOrString("25%") : value;
  }

  /** An absolute count or a percentage of {@code replicas}: surge rounds up, unavailable down, as Kubernetes does. */
  static int scaled(IntOrString value, int replicas, boolean roundUp) {
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    double share = Double.parseDouble(value.getStrVal().replace("%", "")) / 100 * replicas;
    return (int) (roundUp ? Math.ceil(share) : Math.floor(share));
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
