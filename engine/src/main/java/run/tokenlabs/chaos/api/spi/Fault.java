package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.SafetyLabels;
import run.tokenlabs.chaos.api.Target;

/**
 * An action that breaks something (pod force-delete, KV pressure load, stream truncation).
 *
 * <p>A fault works in two steps so that its rollback exists before it acts: {@link #prepare}
 * captures what the undo needs and returns the {@link Rollback}; the engine records that rollback
 * (JUnit store, shutdown hook, pending-rollback file) and only then calls {@link #act}. In dry-run
 * mode only {@link #description()} and {@link #prepare} run.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Fault {

  /** What the fault does, e.g. "force-delete pod token-labs/deepseek (grace period 0)". */
  String description();

  /** Reads what the rollback needs and returns it. Must not change the target. */
  Rollback prepare(Target target) throws Exception;

  /** Breaks it. Called once, after the rollback from {@link #prepare} is registered. */
  void act(Target target) throws Exception;

  /**
   * The Kubernetes namespaces it acts in. The engine checks each against {@code namespaces.allowed},
   * refuses {@code kube-system}, and requires the namespace to carry the label
   * {@value SafetyLabels#NAMESPACE_LABEL}{@code =}{@value SafetyLabels#NAMESPACE_LABEL_VALUE} before {@link #prepare}.
   */
  default java.util.Set<String> namespaces() {
    return java.util.Set.of();
  }
}
