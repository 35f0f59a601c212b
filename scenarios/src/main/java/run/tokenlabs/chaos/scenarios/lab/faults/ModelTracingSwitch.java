package run.tokenlabs.chaos.scenarios.lab.faults;

import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.lab.api.ModelTracing;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;

/**
 * Switches how one lab model's servers trace: the reference run's vLLM that dropped {@code traceparent}
 * ({@link ModelTracing#DROPS_TRACEPARENT}) or emitted nothing ({@link ModelTracing#SILENT}). Lab only:
 * guard experiments with {@code @RequiresCapability(LabControls.class)}.
 *
 * <p>Its rollback ({@link Restore}) puts back the mode the model had.
 */
public final class ModelTracingSwitch implements Fault<ModelTracingSwitch.Restore> {
  private final String model;
  private final ModelTracing mode;

  private ModelTracingSwitch(String model, ModelTracing mode) {
    this.model = Objects.requireNonNull(model, "model");
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  /** {@code model}'s servers trace as {@code mode} says. */
  public static ModelTracingSwitch set(String model, ModelTracing mode) {
    return new ModelTracingSwitch(model, mode);
  }

  @Override
  public String description() {
    return "tracing of model " + model + " set to " + mode + " (lab simulator)";
  }

  @Override
  public Restore prepare(Target target) {
    return new Restore(model, LabTarget.labOf(target).modelTracing(model));
  }

  @Override
  public void act(Target target, Restore rollback) {
    LabTarget.labOf(target).setModelTracing(model, mode);
  }

  /**
   * Puts a model's tracing mode back. Idempotent; on a target that is not the lab there is nothing to restore.
   *
   * @param model the model
   * @param mode the mode it had before
   */
  public record Restore(String model, ModelTracing mode) implements Rollback {
    @Override
    public String description() {
      return "tracing of model " + model + " back to " + mode;
    }

    @Override
    public List<ObjectReference> involvedObjects(Target target) {
      return ModelPods.of(target, model);
    }

    @Override
    public void undo(Target target, Duration timeout) {
      target.unwrap(LabTarget.class).ifPresent(lab -> lab.lab().setModelTracing(model, mode));
    }
  }
}
