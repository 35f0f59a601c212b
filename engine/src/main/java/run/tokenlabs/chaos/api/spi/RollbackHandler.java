package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Target;

/**
 * Carries out rollbacks of one {@link Rollback#kind()}. Found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/run.tokenlabs.chaos.api.spi.RollbackHandler}).
 *
 * <p>{@link #undo} must be idempotent: it may run twice (a shutdown hook racing the normal path,
 * a crash between undo and the record of it) and must then do nothing harmful.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface RollbackHandler {

  /** The kind it handles, e.g. {@code kubernetes.recreate-pod}. */
  String kind();

  /**
   * Undoes the fault.
   *
   * @param rollback what to undo
   * @param target where
   * @param timeout how long it may wait for the target to come back
   */
  void undo(Rollback rollback, Target target, Duration timeout) throws Exception;
}
