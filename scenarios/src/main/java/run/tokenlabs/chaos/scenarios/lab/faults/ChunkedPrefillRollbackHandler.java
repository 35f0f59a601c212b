package run.tokenlabs.chaos.scenarios.lab.faults;

import java.time.Duration;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.api.spi.RollbackHandler;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;

/**
 * Restores a lab model's chunked-prefill setting after a {@link ChunkedPrefillSwitch}. Idempotent (setting a
 * value twice is setting it once). On a target that is not the lab (a crashed lab run's rollback found by a
 * cluster run) there is nothing to restore: the lab died with its JVM.
 */
public final class ChunkedPrefillRollbackHandler implements RollbackHandler {
  @Override
  public String kind() {
    return ChunkedPrefillSwitch.ROLLBACK_KIND;
  }

  @Override
  public void undo(Rollback rollback, Target target, Duration timeout) {
    target.unwrap(LabTarget.class).ifPresent(lab -> lab.lab().setChunkedPrefill(
        rollback.state().get(ChunkedPrefillSwitch.MODEL),
        Boolean.parseBoolean(rollback.state().get(ChunkedPrefillSwitch.ENABLED))));
  }
}
