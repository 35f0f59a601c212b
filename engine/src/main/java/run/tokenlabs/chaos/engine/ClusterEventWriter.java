package run.tokenlabs.chaos.engine;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.event.EvidenceRecorded;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * Writes the chaos into the cluster's own record: a core/v1 Event about each object a rollback names
 * ({@link Rollback#involvedObjects}), as a chaos tool does, so {@code kubectl get events} and
 * {@code kubectl describe} show what was injected beside what the cluster did about it.
 *
 * <p>An Event is a courtesy to whoever reads the cluster, never a condition of the fault or its
 * rollback: a refused write (no {@code events create} grant, a quota) is logged and journaled as
 * evidence, and the run goes on.
 */
final class ClusterEventWriter {
  static final String COMPONENT = "tokenlabs-chaos";
  static final String INJECTED = "ChaosInjected";
  static final String ROLLED_BACK = "ChaosRolledBack";
  static final String ROLLBACK_FAILED = "ChaosRollbackFailed";
  /** Kept below the 1 KiB the events.k8s.io API allows for a note, so any API server takes it. */
  private static final int MAX_MESSAGE = 1000;
  private static final Logger LOG = Logger.getLogger(ClusterEventWriter.class.getName());
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final Target target;
  private final Journal journal;
  private final Clock clock;

  ClusterEventWriter(Target target, Journal journal, Clock clock) {
    this.target = target;
    this.journal = journal;
    this.clock = clock;
  }

  /** The fault described by {@code fault} has acted on the objects of {@code rollback}. */
  void injected(String experiment, String fault, Rollback rollback) {
    write(experiment, rollback, "Warning", INJECTED, "Experiment " + experiment + " injected fault: " + fault
        + " (rollback: " + rollback.description() + ")");
  }

  /** The undo of {@code rollback} has run; {@code failure} is null when it succeeded. */
  void rolledBack(String experiment, Rollback rollback, Exception failure) {
    if (failure == null) {
      write(experiment, rollback, "Normal", ROLLED_BACK, "Experiment " + experiment + " rolled back: "
          + rollback.description());
    } else {
      write(experiment, rollback, "Warning", ROLLBACK_FAILED, "Experiment " + experiment + " could not roll back: "
          + rollback.description() + ": " + failure.getMessage());
    }
  }

  private void write(String experiment, Rollback rollback, String type, String reason, String message) {
    List<ObjectReference> objects;
    try {
      objects = rollback.involvedObjects(target);
    } catch (RuntimeException e) {
      notWritten(experiment, reason, "the objects of '" + rollback.description() + "' could not be read", e);
      return;
    }
    for (ObjectReference object : objects) {
      try {
        create(object, type, reason, message);
      } catch (RuntimeException e) {
        notWritten(experiment, reason, "about " + object.getKind() + " " + object.getNamespace() + "/"
            + object.getName(), e);
      }
    }
  }

  private void create(ObjectReference object, String type, String reason, String message) {
    String namespace = object.getNamespace();
    Instant now = clock.instant();
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    // <object>.<hex>, unique and in time order: the name form of the API server's own recorders
    String name = object.getName() + "." + Long.toHexString(now.toEpochMilli() * 1000
        + SEQUENCE.incrementAndGet() % 1000);
    target.kubernetes().v1().events().inNamespace(namespace).resource(new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withInvolvedObject(object)
        .withType(type).withReason(reason)
        .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT).withReportingInstance(COMPONENT)
        .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
        .build()).create();
  }

  private void notWritten(String experiment, String reason, String about, RuntimeException cause) {
    String text = "Kubernetes Event " + reason + " " + about + " was not written: " + cause.getMessage()
        + ". The fault and its rollback went on; to see the chaos in 'kubectl get events', grant the runner "
        + "'create' on events in that namespace (k8s-rbac/ does)";
    LOG.warning(text);
    try {
      journal.record((at, runId) -> new EvidenceRecorded(at, runId, experiment, "Kubernetes Event " + reason
          + " not written", text));
    } catch (RuntimeException journalClosed) {
      // a rollback completed at shutdown may outlive the journal: the warning above is then the record
      LOG.warning("could not journal it either: " + journalClosed.getMessage());
    }
  }
}
