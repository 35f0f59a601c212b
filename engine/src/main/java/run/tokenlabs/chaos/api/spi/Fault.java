package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Set;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.SafetyLabels;
import run.tokenlabs.chaos.api.Target;

/**
 * An action that breaks something (pod force-delete, KV pressure load, stream truncation), written
 * as one class: the fault, with its {@link Rollback} as a nested record.
 *
 * <p>A fault works in two steps so that its rollback exists before it acts: {@link #prepare} reads
 * what the undo needs and returns it as the rollback record, changing nothing; the engine records
 * that rollback (JUnit store, shutdown hook, pending-rollback file) and only then calls
 * {@link #act} with it. In dry-run mode only {@link #description()} and {@link #prepare} run.
 *
 * @param <R> its rollback: a record, so the engine can write it to disk and read it back in a new JVM
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Fault<R extends Record & Rollback> {

  /** What the fault does, e.g. "force-delete pod token-labs/deepseek (grace period 0)". */
  String description();

  /**
   * Reads what the undo needs and returns it. Must not change the target: when it throws, the
   * experiment ends with nothing injected.
   */
  R prepare(Target target) throws Exception;

  /**
   * Breaks it. Called once, after {@code rollback} (what {@link #prepare} returned) is registered,
   * so it acts on exactly what the rollback recorded (the pod it chose, the value it read).
   */
  void act(Target target, R rollback) throws Exception;

  /**
   * The Kubernetes namespaces it acts in. The engine checks each against {@code namespaces.allowed},
   * refuses {@code kube-system}, and requires the namespace to carry the label
   * {@value SafetyLabels#NAMESPACE_LABEL}{@code =}{@value SafetyLabels#NAMESPACE_LABEL_VALUE} before {@link #prepare},
   * so that a fault aimed wrong stops before it reads anything. It is a courtesy, not the boundary:
   * the client the target hands out refuses every change outside those namespaces whatever a fault
   * declares here, checking the label again on each call.
   */
  default Set<String> namespaces() {
    return Set.of();
  }
}
