package run.tokenlabs.chaos.load.api;


import java.time.Duration;
import java.util.Optional;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.api.spi.RollbackHandler;

/**
 * Undoes a {@link BackgroundLoad}: stops it if it still runs in this JVM. Idempotent: a load that ended by
 * itself, was already stopped, or died with the JVM of a crashed run leaves nothing to do.
 */
public final class StopLoadRollbackHandler implements RollbackHandler {
  /** The most a stop may take: the load generator cancels its calls at once, this is slack for its threads. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  @Override
  public String kind() {
    return BackgroundLoad.ROLLBACK_KIND;
  }

  @Override
  public void undo(Rollback rollback, Target target, Duration timeout) throws InterruptedException {
    Optional<BackgroundLoad> load = BackgroundLoad.running(rollback.state().get(BackgroundLoad.LOAD_ID));
    if (load.isPresent()) {
      load.get().stop(timeout.compareTo(STOP_TIMEOUT) < 0 ? timeout : STOP_TIMEOUT);
    }
  }
}
