package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import run.tokenlabs.chaos.lab.api.LabProfile;
import run.tokenlabs.chaos.lab.api.ModelProfile;

/**
 * The lab's kubelet and ReplicaSet controller in one, driven by a watch on the pods of
 * {@code token-labs}: a pod that appears gets a model server and turns Ready once its model has
 * "loaded" and it serves; a deleted pod's server is killed at once (its streams are cut); a pod
 * owned by a ReplicaSet is replaced, a bare pod is not; Endpoints and Deployment status follow, and
 * each step is recorded as the Event a real cluster writes (Scheduled, Pulled, Created, Started,
 * Killing, SuccessfulCreate). It honours a cordon as the scheduler does: a replacement whose model's
 * node is unschedulable stays Pending (FailedScheduling: the lab places each model on its own node) until
 * the node is uncordoned, and is then bound there and started.
 */
public final class Reconciler implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());

  private record Running(String uid, String model, PodRuntime.Process process, boolean ready) {}

  private final KubernetesClient client;
  private final LabProfile profile;
  private final PodRuntime runtime;
  private final EventRecorder events;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  /** Container restarts per pod (container-kill, pod-failure, a lost GPU), for the pod status's restartCount. */
  private final Map<String, Integer> restarts = new ConcurrentHashMap<>();
  /** Pods whose container is down (a pod-failure, or a killed one until it restarts), with the address it had. */
  private final Map<String, java.net.URI> failed = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  /** Nodes whose GPU is lost (XID 79): no model container on them starts until it is back. */
  private final Set<String> lostGpus = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lab-reconciler");
    t.setDaemon(true);
    return t;
  });
  private SharedIndexInformer<Pod> informer;
  private SharedIndexInformer<io.fabric8.kubernetes.api.model.Node> nodeInformer;
  private volatile boolean closed;

  public Reconciler(KubernetesClient client, LabProfile profile, PodRuntime runtime) {
    this.client = client;
    this.profile = profile;
    this.runtime = runtime;
    this.events = new EventRecorder(client, Clock.systemUTC());
  }

  /** Called (on the reconciler thread) whenever pods start, stop or change readiness. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  public Reconciler start() {
    informer = client.pods().inNamespace(Topology.NAMESPACE).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        worker.execute(() -> ensureRunning(pod));
      }

      @Override
      public void onUpdate(Pod oldPod, Pod pod) {
        worker.execute(() -> ensureRunning(pod));
      }

      @Override
      public void onDelete(Pod pod, boolean finalStateUnknown) {
        boolean wasRunning = killNow(pod); // at once, not behind queued work: this is the moment the pod dies
        worker.execute(() -> {
          if (wasRunning) {
            recordKilling(pod);
          }
          afterDelete(pod);
        });
      }
    }, 0);
    nodeInformer = client.nodes().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(io.fabric8.kubernetes.api.model.Node node) {
      }

      @Override
      public void onUpdate(io.fabric8.kubernetes.api.model.Node old, io.fabric8.kubernetes.api.model.Node node) {
        if (Scheduling.schedulable(node)) {
          worker.execute(() -> bindPending(node.getMetadata().getName()));
        }
      }

      @Override
      public void onDelete(io.fabric8.kubernetes.api.model.Node node, boolean finalStateUnknown) {
      }
    }, 0);
    return this;
  }

  /** Binds the Pending pods of the models placed on {@code node}, now that it takes pods again. */
  private void bindPending(String node) {
    for (Pod pod : client.pods().inNamespace(Topology.NAMESPACE).list().getItems()) {
      ModelProfile model = modelOf(pod);
      if (model != null && node.equals(model.node()) && pod.getSpec().getNodeName() == null
          && pod.getMetadata().getDeletionTimestamp() == null) {
        client.pods().inNamespace(Topology.NAMESPACE).withName(pod.getMetadata().getName())
            .edit(p -> new PodBuilder(p).editSpec().withNodeName(node).endSpec().build());
      }
    }
  }

  /**
   * The GPU of {@code node} is lost, as after XID 79 (fell off the bus): every model container on it
   * dies at once (its streams are cut, its pod turns unready and leaves the Service's endpoints), and
   * none starts again there until {@link #gpuBack}. vLLM's engine dies on the first CUDA error and the
   * container exits; the kubelet restarts it, but it cannot initialise CUDA on a lost GPU, so the pod
   * stays broken (CrashLoopBackOff) until the GPU is reset.
   */
  public void gpuLost(String node) {
    lostGpus.add(node);
    List<String> models = new ArrayList<>();
    running.forEach((pod, r) -> {
      if (node.equals(profile.model(r.model()).node()) && running.remove(pod, r)) {
        r.process().close();
        restarts.merge(pod, 1, Integer::sum);
        models.add(r.model());
        worker.execute(() -> writeStatus(pod, r.process(), false));
      }
    });
    worker.execute(() -> {
      models.stream().distinct().forEach(m -> {
        syncEndpoints(m);
        syncDeployment(profile.model(m));
      });
      fire();
    });
  }

  /**
   * The GPU of {@code node} works again (reset): the model containers there start anew (restartCount
   * up), Ready after their model-load delay. The lab restarts them whatever the pod's restartPolicy.
   */
  public void gpuBack(String node) {
    if (lostGpus.remove(node)) {
      worker.execute(() -> client.pods().inNamespace(Topology.NAMESPACE).list().getItems()
          .forEach(this::ensureRunning));
    }
  }

  /** The model pods whose containers run now. */
  public List<PodTarget> targets() {
    List<PodTarget> out = new ArrayList<>();
    running.forEach((pod, r) -> out.add(new PodTarget(pod, r.model(), profile.model(r.model()).node(),
        r.process().uri(), r.ready())));
    return out;
  }

  private void ensureRunning(Pod pod) {
    String name = pod.getMetadata().getName();
    ModelProfile model = modelOf(pod);
    if (model == null || pod.getMetadata().getDeletionTimestamp() != null || lostGpus.contains(model.node())) {
      return;
    }
    if (pod.getSpec().getNodeName() == null) {
      // unbound (a bare pod recreated from its manifest, a replacement made while the node was cordoned):
      // the scheduler binds it to its model's node unless that node is cordoned; the update starts it
      if (Scheduling.schedulable(client.nodes().withName(model.node()).get())) {
        client.pods().inNamespace(Topology.NAMESPACE).withName(name)
            .edit(p -> new PodBuilder(p).editSpec().withNodeName(model.node()).endSpec().build());
      }
      return;
    }
    Running existing = running.get(name);
    String uid = String.valueOf(pod.getMetadata().getUid());
    if (existing != null && !existing.uid().equals(uid) && running.remove(name, existing)) {
      // the same name with a new uid: the pod was deleted and created again (a bare pod's rollback) and the
      // informer delivered the newer object as an update of the old one; the old container went with its pod
      existing.process().close();
      restarts.remove(name);
      existing = null;
    }
    if (existing != null || failed.containsKey(name)) {
      return;
    }
    try {
      PodRuntime.Process process = runtime.start(name, model);
      var container = pod.getSpec().getContainers().get(0);
      events.podStarted(pod, model.node(), container.getName(), container.getImage());
      running.put(name, new Running(uid, model.name(), process, false));
      writeStatus(name, process, false);
      syncEndpoints(model.name());
      fire();
      worker.schedule(() -> markReadyWhenServing(name, uid), model.modelLoadDelay().toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // While closing, the client and servers go away under a start in progress: not worth a warning.
      LOG.log(closed ? Level.FINE : Level.WARNING, "could not start the model server of pod " + name, e);
    }
  }

  private void markReadyWhenServing(String name, String uid) {
    Running r = running.get(name);
    if (r == null || !r.uid().equals(uid)) {
      return; // deleted meanwhile
    }
    if (!r.process().serving()) {
      worker.schedule(() -> markReadyWhenServing(name, uid), 100, TimeUnit.MILLISECONDS);
      return;
    }
    running.put(name, new Running(r.uid(), r.model(), r.process(), true));
    writeStatus(name, r.process(), true);
    syncEndpoints(r.model());
    syncDeployment(profile.model(r.model()));
    fire();
  }

  /**
   * Kills the container of a model pod and lets the kubelet restart it, as a Chaos Mesh container-kill
   * does: streams in flight are cut at once, the pod turns unready, its restartCount goes up, and the
   * new server (at the same address, its counters from 0) turns Ready after the model's load delay.
   * False when the pod runs no container now.
   */
  public boolean killContainer(String pod) {
    Running r = running.remove(pod);
    if (r == null) {
      return false;
    }
    failed.put(pod, r.process().uri()); // down until restarted: a pod event meanwhile must not start another
    r.process().close();
    worker.execute(() -> {
      recordKillingByName(pod);
      if (failed.remove(pod) != null) {
        restartContainer(pod, r.uid(), r.model(), r.process().uri());
      }
    });
    return true;
  }

  /**
   * Keeps a model pod's container down until {@link #recoverPod} (a Chaos Mesh pod-failure): streams
   * are cut, the pod turns unready and leaves its Service's endpoints. False when it runs no container.
   */
  public boolean failPod(String pod) {
    Running r = running.remove(pod);
    if (r == null) {
      return false;
    }
    failed.put(pod, r.process().uri());
    r.process().close();
    worker.execute(() -> {
      restarts.merge(pod, 1, Integer::sum);
      writeStatus(pod, r.process(), false);
      syncEndpoints(r.model());
      syncDeployment(profile.model(r.model()));
      fire();
    });
    return true;
  }

  /** Starts the container a {@link #failPod} kept down again; false when none was. */
  public boolean recoverPod(String pod) {
    java.net.URI address = failed.remove(pod);
    if (address == null) {
      return false;
    }
    worker.execute(() -> {
      Pod current = client.pods().inNamespace(Topology.NAMESPACE).withName(pod).get();
      ModelProfile model = current == null ? null : modelOf(current);
      if (model != null) {
        restartContainer(pod, String.valueOf(current.getMetadata().getUid()), model.name(), address);
      }
    });
    return true;
  }

  private void restartContainer(String pod, String uid, String model, java.net.URI address) {
    try {
      PodRuntime.Process process = runtime.restart(pod, profile.model(model), address);
      restarts.merge(pod, 1, Integer::sum);
      running.put(pod, new Running(uid, model, process, false));
      writeStatus(pod, process, false);
      syncEndpoints(model);
      syncDeployment(profile.model(model));
      fire();
      worker.schedule(() -> markReadyWhenServing(pod, uid), profile.model(model).modelLoadDelay().toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.log(closed ? Level.FINE : Level.WARNING, "could not restart the container of pod " + pod, e);
    }
  }

  private void recordKillingByName(String pod) {
    Pod current = client.pods().inNamespace(Topology.NAMESPACE).withName(pod).get();
    if (current != null) {
      recordKilling(current);
    }
  }

  /** Kills the pod's model server; true if one was running. */
  private boolean killNow(Pod pod) {
    failed.remove(pod.getMetadata().getName());
    restarts.remove(pod.getMetadata().getName());
    Running r = running.remove(pod.getMetadata().getName());
    if (r != null) {
      r.process().close();
    }
    return r != null;
  }

  /** The kubelet's Killing event: even a force-deleted pod's container is stopped, and said so. */
  private void recordKilling(Pod pod) {
    String container = pod.getSpec().getContainers().get(0).getName();
    events.normal(pod, "spec.containers{" + container + "}", "Killing", "Stopping container " + container,
        EventRecorder.Source.kubelet(pod.getSpec().getNodeName()));
  }

  private void afterDelete(Pod pod) {
    ModelProfile model = modelOf(pod);
    if (model == null) {
      return;
    }
    syncEndpoints(model.name());
    syncDeployment(model);
    fire();
    OwnerReference rs = pod.getMetadata().getOwnerReferences().stream()
        .filter(o -> "ReplicaSet".equals(o.getKind())).findFirst().orElse(null);
    if (rs == null) {
      return; // a bare pod stays gone: nothing owns it
    }
    var replicaSet = client.apps().replicaSets().inNamespace(Topology.NAMESPACE).withName(rs.getName()).get();
    if (replicaSet == null || ownedPods(rs.getName()) >= replicasOf(replicaSet)) {
      return; // gone, or scaled down by a rollout: the delete was the controller's own
    }
    Pod replacement = Topology.modelPod(model, rs.getName() + "-" + Topology.randomSuffix(5), rs);
    boolean placeable = Scheduling.schedulable(client.nodes().withName(model.node()).get());
    if (!placeable) {
      replacement = Scheduling.pending(replacement, profile.nodes().size());
    }
    Pod created = client.pods().inNamespace(Topology.NAMESPACE).resource(replacement).create();
    events.normal(replicaSet, null, "SuccessfulCreate", "Created pod: " + replacement.getMetadata().getName(),
        EventRecorder.Source.REPLICASET_CONTROLLER);
    if (!placeable) {
      events.warning(created, "FailedScheduling", Scheduling.failedScheduling(profile.nodes().size()),
          EventRecorder.Source.SCHEDULER);
    }
  }

  private long ownedPods(String replicaSet) {
    return client.pods().inNamespace(Topology.NAMESPACE).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getMetadata().getOwnerReferences().stream().anyMatch(o -> replicaSet.equals(o.getName())))
        .count();
  }

  private static int replicasOf(io.fabric8.kubernetes.api.model.apps.ReplicaSet rs) {
    return rs.getSpec() == null || rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
  }

  private ModelProfile modelOf(Pod pod) {
    String app = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get("app");
    return profile.models().stream().filter(m -> m.name().equals(app)).findFirst().orElse(null);
  }

  private void writeStatus(String name, PodRuntime.Process process, boolean ready) {
    String now = Instant.now().toString();
    String status = ready ? "True" : "False";
    try {
      client.pods().inNamespace(Topology.NAMESPACE).withName(name).editStatus(p -> new PodBuilder(p).editOrNewStatus()
          .withPhase("Running").withPodIP(process.uri().getHost()).withHostIP(process.uri().getHost())
          .withStartTime(p.getStatus() != null && p.getStatus().getStartTime() != null
              ? p.getStatus().getStartTime() : now)
          .withConditions(List.of(
              new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("Ready").withStatus(status)
                  .withLastTransitionTime(now).build(),
              new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("ContainersReady")
                  .withStatus(status).withLastTransitionTime(now).build()))
          .withContainerStatuses(new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
              .withName(p.getSpec().getContainers().get(0).getName()).withReady(ready).withStarted(true)
              .withRestartCount(restarts.getOrDefault(name, 0))
              .withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build())
          .endStatus().build());
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "pod " + name + " vanished before its status was written", e);
    }
  }

  private void syncEndpoints(String model) {
    List<EndpointSubset> subsets = new ArrayList<>();
    running.forEach((pod, r) -> {
      if (!r.model().equals(model)) {
        return;
      }
      var address = new EndpointAddressBuilder().withIp(r.process().uri().getHost()).withNodeName(
          profile.model(model).node()).withNewTargetRef().withKind("Pod").withName(pod)
          .withNamespace(Topology.NAMESPACE).endTargetRef().build();
      EndpointSubsetBuilder subset = new EndpointSubsetBuilder().withPorts(new EndpointPortBuilder()
          .withName("http").withPort(r.process().uri().getPort()).withProtocol("TCP").build());
      subsets.add(r.ready() ? subset.withAddresses(address).build() : subset.withNotReadyAddresses(address).build());
    });
    Endpoints endpoints = new EndpointsBuilder().withNewMetadata().withName(model).withNamespace(Topology.NAMESPACE)
        .addToLabels("app", model).endMetadata().withSubsets(subsets).build();
    var resource = client.endpoints().inNamespace(Topology.NAMESPACE).withName(model);
    if (resource.get() == null) {
      client.endpoints().inNamespace(Topology.NAMESPACE).resource(endpoints).create();
    } else {
      resource.edit(e -> new EndpointsBuilder(e).withSubsets(subsets).build());
    }
  }

  private void syncDeployment(ModelProfile model) {
    if (model.bare()) {
      return;
    }
    long ready = running.values().stream().filter(r -> r.model().equals(model.name()) && r.ready()).count();
    long all = running.values().stream().filter(r -> r.model().equals(model.name())).count();
    try {
      client.apps().deployments().inNamespace(Topology.NAMESPACE).withName(model.name()).editStatus(d ->
          new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(d).editOrNewStatus().withReplicas((int) all)
              .withReadyReplicas((int) ready).withAvailableReplicas((int) ready).withUpdatedReplicas((int) all)
              .endStatus().build());
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "deployment " + model.name() + " is gone; no status to write", e);
    }
  }

  private void fire() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "reconciler listener failed", e);
      }
    }
  }

  /** Stops watching and kills every model server. */
  @Override
  public void close() {
    closed = true;
    // The worker first, and to its end: a write still in flight when the client closes fails noisily,
    // and the store's watches close cleanly only when no event is being sent to them.
    worker.shutdownNow();
    try {
      if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warning("the reconciler's worker did not stop within 5 s; closing anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (informer != null) {
      informer.close();
    }
    if (nodeInformer != null) {
      nodeInformer.close();
    }
    running.values().forEach(r -> r.process().close());
    running.clear();
  }
}
