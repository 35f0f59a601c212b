package run.tokenlabs.chaos.scenarios.lab.faults;

import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;

/**
 * Makes every scheduler step of one lab model {@code factor} times longer: the lab's clock runs slower for
 * that model, so the scheduler's effects (one long prefill: 50 ms of wall time at the gb10 time scale) stand
 * out of the client's own overhead on a busy machine. Latencies measured under it are converted back with
 * the effective time scale (the profile's times the factor). Lab only.
 *
 * <p>Its rollback ({@link RestoreFactor}) puts back the factor the model had before; other armed faults are
 * left alone.
 */
public final class StepSlowdown implements Fault<StepSlowdown.RestoreFactor> {
  private final String model;
  private final double factor;

  private StepSlowdown(String model, double factor) {
    this.model = Objects.requireNonNull(model, "model");
    if (!(factor >= 1) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("StepSlowdown factor must be a finite number >= 1, was " + factor);
    }
    this.factor = factor;
  }

  /** Every step of {@code model} takes {@code factor} (>= 1) times as long. */
  public static StepSlowdown of(String model, double factor) {
    return new StepSlowdown(model, factor);
  }

  public double factor() {
    return factor;
  }

  @Override
  public String description() {
    return "every scheduler step of model " + model + " " + factor + " times as long (lab clock slowed for this model)";
  }

  @Override
  public RestoreFactor prepare(Target target) {
    return new RestoreFactor(model, LabTarget.labOf(target).faults(model).stepSlowdown());
  }

  @Override
  public void act(Target target, RestoreFactor rollback) {
    LabTarget.labOf(target).faults(model).slowSteps(factor);
  }

  /**
   * Puts a model's step time factor back. Idempotent. On a target that is not the lab (a crashed lab
   * run's rollback found by a cluster run) there is nothing to restore.
   *
   * @param model the model
   * @param factor the factor it had before (1 when none was armed)
   */
  public record RestoreFactor(String model, double factor) implements Rollback {
    @Override
    public List<ObjectReference> involvedObjects(Target target) {
      return ModelPods.of(target, model);
    }

    @Override
    public String description() {
      return "step time factor of model " + model + " back to " + factor;
    }

    @Override
    public void undo(Target target, Duration timeout) {
      target.unwrap(LabTarget.class).ifPresent(lab -> lab.lab().faults(model).slowSteps(factor));
    }
  }
}
