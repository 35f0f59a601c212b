package run.tokenlabs.chaos.scenarios.lab.faults;

import java.time.Duration;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.api.spi.RollbackHandler;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;

/**
 * Puts a lab model's step time factor back after a {@link StepSlowdown}. Idempotent. On a target that is
 * not the lab (a crashed lab run's rollback found by a cluster run) there is nothing to restore.
 */
public final class StepSlowdownRollbackHandler implements RollbackHandler {
  @Override
  public String kind() {
    return StepSlowdown.ROLLBACK_KIND;
  }

  @Override
  public void undo(Rollback rollback, Target target, Duration timeout) {
    target.unwrap(LabTarget.class).ifPresent(lab -> lab.lab().faults(rollback.state().get(StepSlowdown.MODEL))
        .slowSteps(Double.parseDouble(rollback.state().get(StepSlowdown.FACTOR))));
  }
}
