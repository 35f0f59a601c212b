package run.tokenlabs.chaos.faults;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apiguardian.api.API;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.api.spi.RollbackHandler;

/**
 * Undoes {@link ForceDeletePodFault}. Idempotent: a bare pod that is already back is left alone; a
 * terminating one is awaited before the new one is created; for a managed pod it only waits.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class RecreatePodRollbackHandler implements RollbackHandler {
  static final String KIND = "kubernetes.recreate-pod";
  static final String NAMESPACE = "namespace";
  static final String NAME = "name";
  static final String SELECTOR = "selector";
  static final String MANAGED = "managed";
  static final String READY_BEFORE = "readyBefore";
  static final String MANIFEST = "manifest";
  private static final Duration POLL = Duration.ofMillis(250);

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public void undo(Rollback rollback, Target target, Duration timeout) {
    String namespace = rollback.state().get(NAMESPACE);
    String name = rollback.state().get(NAME);
    KubernetesClient client = target.kubernetes();
    if (Boolean.parseBoolean(rollback.state().get(MANAGED))) {
      awaitReplacement(client, rollback, timeout);
      return;
    }
    awaitGone(client, namespace, name, timeout);
    Pod existing = client.pods().inNamespace(namespace).withName(name).get();
    if (existing == null) {
      Pod pod = Serialization.unmarshal(rollback.state().get(MANIFEST), Pod.class);
      client.pods().inNamespace(namespace).resource(pod).create();
    }
  }

  private static void awaitGone(KubernetesClient client, String namespace, String name, Duration timeout) {
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

  private static void awaitReplacement(KubernetesClient client, Rollback rollback, Duration timeout) {
    String namespace = rollback.state().get(NAMESPACE);
    String selector = rollback.state().get(SELECTOR);
    String deleted = rollback.state().get(NAME);
    long wanted = Long.parseLong(rollback.state().get(READY_BEFORE));
    AtomicLong seen = new AtomicLong();
    try {
      Awaitility.await("controller to replace pod " + namespace + "/" + deleted)
          .atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
          .until(() -> {
            long ready = client.pods().inNamespace(namespace).withLabels(LabelSelectors.parse(selector)).list()
                .getItems().stream()
                .filter(p -> !p.getMetadata().getName().equals(deleted))
                .filter(PodReadiness::isReady).count();
            seen.set(ready);
            return ready >= wanted;
          });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("The controller of pod " + namespace + "/" + deleted + " did not bring "
          + wanted + " Ready pods matching " + selector + " back within " + timeout.toSeconds() + " s (last seen: "
          + seen.get() + "); check the Deployment's events", e);
    }
  }
}
