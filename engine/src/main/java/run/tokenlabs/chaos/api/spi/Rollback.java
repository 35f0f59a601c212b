package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Duration;
import java.util.Set;
import java.util.List;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Target;

/**
 * The undo of a fault, as data: a record whose components are what the undo needs (the pod's
 * manifest, the replica count it had) and whose {@link #undo} puts the target back.
 *
 * <p>Rollbacks are data, not closures, because a run killed with SIGKILL leaves them in the
 * pending-rollback file and the next run, in a new JVM, must be able to complete them. Before the
 * fault acts, the engine writes the record's class name (its {@link #kind()}), its description and
 * its components as JSON; the next run loads that class, checks that it is a record implementing
 * this interface, rebuilds it through its canonical constructor and calls the same {@link #undo}. So
 * the crash path is the path every experiment exercises, and no handler class or services line is
 * needed.
 *
 * <p>The contract:
 * <ul>
 *   <li>Components hold no secrets: they are written to disk. The engine refuses, before the fault
 *       acts, a state with a literal value in an environment variable or field named like a secret
 *       ({@code HF_TOKEN}, {@code password}).</li>
 *   <li>Components are of types Jackson writes and reads back equal: strings, numbers, booleans,
 *       enums, lists, maps, records, Kubernetes model objects. The engine reads every rollback back
 *       before its fault acts and refuses one that does not come back equal.</li>
 *   <li>{@link #undo} is idempotent: it may run twice (a shutdown hook racing the normal path, a crash
 *       between the undo and its record) and must then do nothing harmful.</li>
 *   <li>The record's class keeps its name while a rollback of it may be pending: the name is how the
 *       next run finds it.</li>
 * </ul>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Rollback {

  /** What the undo does, for logs and reports, e.g. "recreate bare pod token-labs/deepseek from its manifest". */
  String description();

  /**
   * Puts the target back. Idempotent.
   *
   * @param target where, possibly in a later run than the one that injected the fault
   * @param timeout how long it may wait for the target to come back
   */
  void undo(Target target, Duration timeout) throws Exception;

  /**
   * The Kubernetes namespaces its undo changes; each must be among its fault's {@link Fault#namespaces()}.
   * Before a later run completes a rollback left by a killed one, the engine checks these and the
   * fault's recorded namespaces as it checks a fresh fault's (allowed, labelled, never
   * {@code kube-system}), and replays nothing when one fails. Default: none (an undo outside Kubernetes).
   */
  default Set<String> namespaces() {
    return Set.of();
  }

  /**
   * The Kubernetes objects the fault acts on (the deleted pod, the model's pods whose server it
   * switches), for which the engine writes a core/v1 Event in the object's namespace: {@code ChaosInjected}
   * (Warning) once the fault has acted, {@code ChaosRolledBack} (Normal) or {@code ChaosRollbackFailed}
   * (Warning) once this undo has run, from source component {@code tokenlabs-chaos}, naming the
   * experiment and the fault. So {@code kubectl get events} shows the chaos beside what the cluster did
   * about it. Reads only; a failure here or in writing an Event is logged and journaled as evidence,
   * never blocks the fault or its rollback. Default: none, and no Event is written.
   *
   * @param target where the fault acts (or acted, when a later run completes this rollback)
   */
  default List<ObjectReference> involvedObjects(Target target) {
    return List.of();
  }

  /**
   * The kind of rollback, as journaled and written to the pending-rollback file: the record's binary
   * class name, which the next run loads to complete it.
   */
  default String kind() {
    return getClass().getName();
  }
}
