package run.tokenlabs.chaos.scenarios.lab.faults;

import java.time.Duration;
import java.util.Map;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.api.spi.RollbackHandler;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;

/**
 * Undoes {@link SimulatorFaults}: disarms every fault injected into one model's simulator. Idempotent
 * (disarming twice is disarming once). Injected faults live in the lab's JVM, so when a pending
 * rollback of a crashed run is completed against a new lab, or a target that is not the lab, there
 * is nothing armed and it does nothing.
 */
public final class ClearSimulatorFaultsRollbackHandler implements RollbackHandler {
  static final String KIND = "lab.clear-simulator-faults";
  static final String MODEL = "model";

  static Rollback rollback(String model) {
    return new Rollback(KIND, "disarm every injected fault of " + model + "'s simulator", Map.of(MODEL, model));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public void undo(Rollback rollback, Target target, Duration timeout) {
    String model = rollback.state().get(MODEL);
    target.unwrap(LabTarget.class).ifPresent(lab -> lab.lab().faults(model).clear());
  }
}
