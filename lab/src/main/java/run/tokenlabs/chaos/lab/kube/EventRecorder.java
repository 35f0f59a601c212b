package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes core/v1 Events into the lab's API as the components of a real cluster record them: the
 * scheduler's {@code Scheduled}, the kubelet's {@code Pulled}, {@code Created}, {@code Started} and
 * {@code Killing}, the ReplicaSet controller's {@code SuccessfulCreate}, the Deployment controller's
 * {@code ScalingReplicaSet}. So {@code kubectl get events} and {@code describe} tell what happened, and
 * probes can cite it. An event that cannot be written is logged and dropped, never fatal.
 */
final class EventRecorder {
  /** Who recorded an event: {@code source.component} and, for the kubelet, {@code source.host}. */
  record Source(String component, String host) {
    static final Source SCHEDULER = new Source("default-scheduler", "");
    static final Source REPLICASET_CONTROLLER = new Source("replicaset-controller", "");
    static final Source DEPLOYMENT_CONTROLLER = new Source("deployment-controller", "");

    static Source kubelet(String node) {
      return new Source("kubelet", node == null ? "" : node);
    }
  }

  private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final KubernetesClient client;
  private final Clock clock;

  EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** A {@code Normal} event about {@code object}. */
  void normal(HasMetadata object, String fieldPath, String reason, String message, Source source) {
    record(object, fieldPath, "Normal", reason, message, source);
  }

  /** A {@code Warning} event about {@code object}. */
  void warning(HasMetadata object, String reason, String message, Source source) {
    record(object, null, "Warning", reason, message, source);
  }

  /** The kubelet's start of a pod's container: Pulled, Created, Started, after the scheduler's Scheduled. */
  void podStarted(HasMetadata pod, String node, String container, String image) {
    normal(pod, null, "Scheduled", "Successfully assigned " + pod.getMetadata().getNamespace() + "/"
        + pod.getMetadata().getName() + " to " + node, Source.SCHEDULER);
    String field = "spec.containers{" + container + "}";
    Source kubelet = Source.kubelet(node);
    normal(pod, field, "Pulled", "Container image \"" + image + "\" already present on machine", kubelet);
    normal(pod, field, "Created", "Created container: " + container, kubelet);
    normal(pod, field, "Started", "Started container " + container, kubelet);
  }

  private void record(HasMetadata object, String fieldPath, String type, String reason, String message,
      Source source) {
    String namespace = object.getMetadata().getNamespace() == null ? "default" : object.getMetadata().getNamespace();
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    // name.<hex>: unique and in time order, the form the API server's recorders use
    String name = object.getMetadata().getName() + "." + Long.toHexString(clock.millis() * 1000
        + SEQUENCE.incrementAndGet() % 1000);
    try {
      client.v1().events().inNamespace(namespace).resource(new EventBuilder().withNewMetadata().withName(name)
          .withNamespace(namespace).endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(object.getApiVersion())
              .withKind(object.getKind()).withNamespace(object.getMetadata().getNamespace())
              .withName(object.getMetadata().getName()).withUid(object.getMetadata().getUid())
              .withFieldPath(fieldPath).build())
          .withType(type).withReason(reason).withMessage(message)
          .withNewSource().withComponent(source.component()).withHost(source.host().isEmpty() ? null : source.host())
          .endSource().withReportingComponent(source.component())
          .withReportingInstance(source.host().isEmpty() ? source.component() : source.host())
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1).build()).create();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "could not record event " + reason + " for " + object.getKind() + " "
          + object.getMetadata().getName(), e);
    }
  }
}
