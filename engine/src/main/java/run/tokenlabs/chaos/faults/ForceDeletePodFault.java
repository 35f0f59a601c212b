package run.tokenlabs.chaos.faults;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.apiguardian.api.API;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * Force-deletes one pod matching a label selector (grace period 0), like
 * {@code kubectl delete pod --grace-period=0 --force}. The first non-terminating match by name is
 * chosen, so repeated runs pick the same pod.
 *
 * <p>Its rollback ({@link RestorePod}) depends on who owns the pod: a bare pod (no controller) is
 * recreated from its captured manifest; a controller-managed pod is left to its controller, and the
 * rollback waits until as many matching pods are Ready as before.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ForceDeletePodFault implements Fault<ForceDeletePodFault.RestorePod> {
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Logger LOG = Logger.getLogger(ForceDeletePodFault.class.getName());

  private final String namespace;
  private final String selector;
  private final LabelSelectors.Selector labels;
  private volatile String victim;

  public ForceDeletePodFault(String namespace, String selector) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.selector = Objects.requireNonNull(selector, "selector");
    this.labels = LabelSelectors.parse(selector);
  }

  @Override
  public String description() {
    String pod = victim == null ? "one pod matching " + selector : "pod " + victim;
    return "force-delete " + pod + " in " + namespace + " (grace period 0)";
  }

  @Override
  public Set<String> namespaces() {
    return Set.of(namespace);
  }

  @Override
  public RestorePod prepare(Target target) {
    List<Pod> pods = matching(target.kubernetes(), namespace, labels);
    List<Pod> live = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    Pod pod = live.stream().min(Comparator.comparing(p -> p.getMetadata().getName()))
        .orElseThrow(() -> new IllegalStateException("no running pod matches '" + selector + "' in namespace '"
            + namespace + "' (" + pods.size() + " matched, all terminating); check the selector with "
            + "'kubectl get pods -n " + namespace + " -l " + selector + "'"));
    long readyBefore = live.stream().filter(PodReadiness::isReady).count();
    Optional<OwnerReference> controller = controllerOf(pod);
    victim = pod.getMetadata().getName();
    return new RestorePod(namespace, victim, selector,
        controller.map(c -> c.getKind() + " " + c.getName()).orElse(null), readyBefore,
        controller.isPresent() ? null : strip(pod));
  }

  @Override
  public void act(Target target, RestorePod rollback) {
    target.kubernetes().pods().inNamespace(namespace).withName(rollback.name()).withGracePeriod(0).delete();
  }

  /**
   * The pods of {@code namespace} that {@code selector} matches. The API server selects them, and the
   * fault checks again with its own reading of the selector: a server that reads it more loosely (a
   * test double, a proxy) can then never widen what the fault acts on.
   */
  static List<Pod> matching(KubernetesClient client, String namespace, LabelSelectors.Selector selector) {
    return client.pods().inNamespace(namespace).withLabelSelector(selector.canonical()).list().getItems().stream()
        .filter(p -> selector.matches(p.getMetadata().getLabels())).toList();
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

  /**
   * The undo of a force-delete. Idempotent: a bare pod that is already back is left alone, a
   * terminating one is awaited before the new one is created; for a managed pod it only waits.
   *
   * <p>The manifest is the pod's spec as the API server returned it: values a pod takes from Secrets
   * stay references ({@code secretKeyRef}), which is all that is written to disk; the engine refuses,
   * before the delete, a manifest with a literal value in an env variable named like a secret. The
   * undo creates only the pod it names.
   *
   * @param namespace the pod's namespace
   * @param name the deleted pod
   * @param selector the fault's selector, which counts the replacement pods
   * @param controller the pod's controller ("ReplicaSet llama-3-1-8b-7d9f"), or {@code null} for a bare pod
   * @param readyBefore how many matching pods were Ready before the delete
   * @param manifest a bare pod's manifest, stripped of server-set fields; {@code null} for a managed pod
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record RestorePod(String namespace, String name, String selector, String controller, long readyBefore,
      Pod manifest) implements Rollback {

    @Override
    public String description() {
      return controller == null
          ? "recreate bare pod " + namespace + "/" + name + " from its captured manifest"
          : "wait for " + controller + " to replace pod " + namespace + "/" + name + " (" + readyBefore
              + " Ready pods matching " + selector + " again)";
    }

    /**
     * The deleted pod, by namespace and name: the engine's {@code ChaosInjected} and {@code ChaosRolledBack}
     * Events are about it, beside the kubelet's {@code Killing} ({@code kubectl get events
     * --field-selector involvedObject.name=<pod>}).
     */
    @Override
    public List<ObjectReference> involvedObjects(Target target) {
      return List.of(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace(namespace)
          .withName(name).build());
    }

    @Override
    public Set<String> namespaces() {
      return Set.of(namespace);
    }

    @Override
    public void undo(Target target, Duration timeout) {
      KubernetesClient client = target.kubernetes();
      if (controller != null) {
        awaitReplacement(client, timeout);
        return;
      }
      requireManifestOfThisPod();
      awaitGone(client, timeout);
      if (client.pods().inNamespace(namespace).withName(name).get() == null) {
        try {
          client.pods().inNamespace(namespace).resource(manifest).create();
        } catch (KubernetesClientException e) {
          // 409: someone recreated the pod between our read and our create; it is back, which is the undo
          if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
            throw e;
          }
          LOG.info(() -> "Pod " + namespace + "/" + name + " already exists again (409 AlreadyExists on "
              + "recreate): something else recreated it first; nothing left to undo");
        }
      }
    }

    /** The undo creates exactly the pod it names: a manifest naming another pod or namespace is refused. */
    private void requireManifestOfThisPod() {
      ObjectMeta meta = manifest == null ? null : manifest.getMetadata();
      if (meta == null || !name.equals(meta.getName()) || !namespace.equals(meta.getNamespace())) {
        throw new IllegalStateException("Refused to recreate pod " + namespace + "/" + name + ": its recorded "
            + "manifest names " + (meta == null ? "no pod" : meta.getNamespace() + "/" + meta.getName())
            + ", not the pod the fault deleted; nothing was created. Recreate the pod by hand from its owner's "
            + "manifest");
      }
    }

    private void awaitGone(KubernetesClient client, Duration timeout) {
      try {
        Awaitility.await("terminating pod " + namespace + "/" + name + " to be gone before it is recreated")
            .atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
            .until(() -> {
              Pod pod = client.pods().inNamespace(namespace).withName(name).get();
              return pod == null || pod.getMetadata().getDeletionTimestamp() == null;
            });
      } catch (ConditionTimeoutException e) {
        throw new IllegalStateException("Pod " + namespace + "/" + name + " is still terminating after "
            + timeout.toSeconds() + " s, so it cannot be recreated yet; check its finalizers", e);
      }
    }

    private void awaitReplacement(KubernetesClient client, Duration timeout) {
      AtomicLong seen = new AtomicLong();
      try {
        Awaitility.await("controller to replace pod " + namespace + "/" + name)
            .atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
            .until(() -> {
              long ready = matching(client, namespace, LabelSelectors.parse(selector)).stream()
                  .filter(p -> !p.getMetadata().getName().equals(name))
                  .filter(PodReadiness::isReady).count();
              seen.set(ready);
              return ready >= readyBefore;
            });
      } catch (ConditionTimeoutException e) {
        throw new IllegalStateException("The controller of pod " + namespace + "/" + name + " did not bring "
            + readyBefore + " Ready pods matching " + selector + " back within " + timeout.toSeconds()
            + " s (last seen: " + seen.get() + "); check the Deployment's events", e);
      }
    }
  }
}
