package run.tokenlabs.chaos.lab.chaosmesh;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import run.tokenlabs.chaos.lab.gateway.UpstreamImpairment;
import run.tokenlabs.chaos.lab.kube.Reconciler;
import run.tokenlabs.chaos.lab.kube.Topology;

/**
 * The lab's Chaos Mesh: watches {@code NetworkChaos}, {@code HTTPChaos} and {@code PodChaos} in
 * {@code token-labs} and applies them as chaos-controller-manager would. It selects the pods
 * ({@code selector}, {@code mode}), holds the resource with its finalizer while the fault is in force,
 * writes {@code status} in Chaos Mesh's shape, and recovers when the resource is deleted or its
 * {@code duration} runs out. Network and HTTP faults act on the gateway-to-pod path
 * ({@link #impairment()}); container-kill and pod-failure through the {@link Reconciler}.
 * HTTP {@code patch}/{@code replace} are not applied: their status says so.
 */
public final class ChaosMeshController implements AutoCloseable {
  static final String FINALIZER = "chaos-mesh/records";
  private static final Logger LOG = Logger.getLogger(ChaosMeshController.class.getName());
  private static final List<String[]> KINDS = List.of(new String[] {"NetworkChaos", "networkchaos"},
      new String[] {"HTTPChaos", "httpchaos"}, new String[] {"PodChaos", "podchaos"});

  /** A fault in force: its pods, and when its duration ends. */
  private record Active(List<String> pods, ChaosSpec spec, ScheduledFuture<?> expiry) {}

  private final KubernetesClient client;
  private final Reconciler reconciler;
  private final PathImpairments path;
  private final ChaosStatusWriter status;
  private final Map<String, Active> active = new ConcurrentHashMap<>();
  private final Map<String, Boolean> finished = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lab-chaos-mesh");
    t.setDaemon(true);
    return t;
  });

  public ChaosMeshController(KubernetesClient client, Reconciler reconciler) {
    this.client = client;
    this.reconciler = reconciler;
    this.path = new PathImpairments(reconciler::targets);
    this.status = new ChaosStatusWriter(client);
  }

  /** What the gateway applies to each request on its way to a pod. */
  public UpstreamImpairment impairment() {
    return path;
  }

  public ChaosMeshController start() {
    for (String[] kind : KINDS) {
      informers.add(client.genericKubernetesResources(context(kind[0], kind[1])).inNamespace(Topology.NAMESPACE)
          .inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource cr) {
              worker.execute(() -> reconcile(cr));
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource cr) {
              worker.execute(() -> reconcile(cr));
            }

            @Override
            public void onDelete(GenericKubernetesResource cr, boolean unknown) {
              worker.execute(() -> recover(key(cr)));
            }
          }, 0));
    }
    return this;
  }

  static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup("chaos-mesh.org").withVersion("v1alpha1")
        .withKind(kind).withPlural(plural).withNamespaced(true).build();
  }

  private void reconcile(GenericKubernetesResource cr) {
    String key = key(cr);
    try {
      if (cr.getMetadata().getDeletionTimestamp() != null) {
        List<String> pods = recover(key);
        status.recovered(cr, pods, true);
        return;
      }
      if (active.containsKey(key) || finished.containsKey(key)) {
        return;
      }
      inject(cr, key);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not apply " + key + "; its status says why", e);
      status.failed(cr, e.getMessage());
    }
  }

  private void inject(GenericKubernetesResource cr, String key) {
    ChaosSpec spec = ChaosSpec.of(cr);
    List<String> pods = select(spec);
    ScheduledFuture<?> expiry = spec.duration().map(d -> worker.schedule(() -> expire(cr, key), d.toMillis(),
        TimeUnit.MILLISECONDS)).orElse(null);
    active.put(key, new Active(pods, spec, expiry));
    status.held(cr, FINALIZER);
    String unsupported = apply(key, spec, pods);
    status.injected(cr, pods, containerOf(spec), unsupported);
  }

  /** Applies the fault to its pods; returns why it could not (an HTTP patch), or null. */
  private String apply(String key, ChaosSpec spec, List<String> pods) {
    switch (spec.kind()) {
      case "NetworkChaos" -> path.put(key, each(pods, network(spec)));
      case "HTTPChaos" -> {
        if (!spec.action().equals("abort") && !spec.action().equals("delay")) {
          return "the lab applies HTTP abort and delay only, not " + spec.action();
        }
        Duration delay = spec.action().equals("delay") ? ChaosSpec.duration(String.valueOf(spec.raw().get("delay")))
            : Duration.ZERO;
        boolean abort = spec.action().equals("abort");
        path.put(key, each(pods, new PathImpairments.Fault(delay, Duration.ZERO, 0, false, abort)));
      }
      default -> pods.forEach(pod -> {
        if (spec.action().equals("pod-failure")) {
          reconciler.failPod(pod);
        } else {
          reconciler.killContainer(pod);
        }
      });
    }
    return null;
  }

  private static PathImpairments.Fault network(ChaosSpec spec) {
    return switch (spec.action()) {
      case "delay" -> new PathImpairments.Fault(
          ChaosSpec.duration(String.valueOf(spec.section("delay").get("latency"))),
          ChaosSpec.duration(String.valueOf(spec.section("delay").getOrDefault("jitter", "0ms"))), 0, false, false);
      case "loss" -> new PathImpairments.Fault(Duration.ZERO, Duration.ZERO,
          Integer.parseInt(String.valueOf(spec.section("loss").get("loss"))), false, false);
      case "partition" -> new PathImpairments.Fault(Duration.ZERO, Duration.ZERO, 0, true, false);
      default -> throw new IllegalArgumentException("the lab applies NetworkChaos delay, loss and partition, not "
          + spec.action());
    };
  }

  private static Map<String, PathImpairments.Fault> each(List<String> pods, PathImpairments.Fault fault) {
    Map<String, PathImpairments.Fault> byPod = new LinkedHashMap<>();
    pods.forEach(p -> byPod.put(p, fault));
    return byPod;
  }

  /** The pods Chaos Mesh would pick: live pods of token-labs matching the labels, as many as the mode says, by name. */
  private List<String> select(ChaosSpec spec) {
    if (spec.namespaces().isEmpty() || !spec.namespaces().stream().allMatch(Topology.NAMESPACE::equals)) {
      throw new IllegalArgumentException("the lab's Chaos Mesh selects pods in " + Topology.NAMESPACE + " only, and the "
          + "selector names " + spec.namespaces());
    }
    List<String> names = client.pods().inNamespace(Topology.NAMESPACE).withLabels(spec.labels()).list().getItems()
        .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).map(Pod::getMetadata)
        .map(m -> m.getName()).sorted().toList();
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no pod in " + Topology.NAMESPACE + " matches " + spec.labels());
    }
    return names.subList(0, Math.min(spec.pods(), names.size()));
  }

  private static String containerOf(ChaosSpec spec) {
    Object names = spec.raw().get("containerNames");
    return names instanceof List<?> l && !l.isEmpty() ? String.valueOf(l.get(0)) : null;
  }

  /** The duration ran out: recover, and leave the resource in place as finished, as Chaos Mesh does. */
  private void expire(GenericKubernetesResource cr, String key) {
    finished.put(key, true);
    List<String> pods = recover(key);
    status.recovered(cr, pods, false);
  }

  /** Ends the fault's effect; returns its pods (empty when it was not in force). */
  private List<String> recover(String key) {
    Active a = active.remove(key);
    if (a == null) {
      return List.of();
    }
    if (a.expiry() != null) {
      a.expiry().cancel(false);
    }
    path.remove(key);
    if (a.spec().action().equals("pod-failure")) {
      a.pods().forEach(reconciler::recoverPod);
    }
    return a.pods();
  }

  private static String key(GenericKubernetesResource cr) {
    return cr.getKind() + "/" + cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    worker.shutdownNow();
  }
}
