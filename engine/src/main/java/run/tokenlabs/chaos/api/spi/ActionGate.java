package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.Optional;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.TargetActions;

/**
 * What stands behind {@link TargetActions#announce(String)}: the engine's dry-run gate, found
 * through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/run.tokenlabs.chaos.api.spi.ActionGate}) so that the API does not
 * depend on the engine's implementation. The engine provides the one used; nothing else implements it.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface ActionGate {

  /**
   * Lets the action pass, or, under dry run, journals its plan and ends the experiment in progress
   * as ABORTED by throwing.
   */
  void announce(String plan);

  /**
   * The directory where an action may leave its evidence files (a load's per-request records): the
   * journal directory of the run in progress, empty when no experiment is in progress in this JVM.
   */
  default Optional<Path> evidenceDirectory() {
    return Optional.empty();
  }
}
