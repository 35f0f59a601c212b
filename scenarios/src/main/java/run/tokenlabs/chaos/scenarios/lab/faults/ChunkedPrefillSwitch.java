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
 * Switches chunked prefill of one model of the embedded lab on or off (from the simulator's next step), as
 * {@code --enable-chunked-prefill} would after a restart of a real server. Lab only: experiments using it carry
 * {@code @RequiresCapability(LabControls.class)}.
 *
 * <p>Its rollback ({@link Restore}) puts back the setting the model had before the switch.
 */
public final class ChunkedPrefillSwitch implements Fault<ChunkedPrefillSwitch.Restore> {
  private final String model;
  private final boolean on;

  private ChunkedPrefillSwitch(String model, boolean on) {
    this.model = Objects.requireNonNull(model, "model");
    this.on = on;
  }

  /** Chunked prefill of {@code model} set to {@code on}. */
  public static ChunkedPrefillSwitch set(String model, boolean on) {
    return new ChunkedPrefillSwitch(model, on);
  }

  @Override
  public String description() {
    return "chunked prefill " + (on ? "on" : "off") + " for model " + model + " (lab simulator, from its next step)";
  }

  @Override
  public Restore prepare(Target target) {
    return new Restore(model, LabTarget.labOf(target).chunkedPrefill(model));
  }

  @Override
  public void act(Target target, Restore rollback) {
    LabTarget.labOf(target).setChunkedPrefill(model, on);
  }

  /**
   * Puts a model's chunked-prefill setting back. Idempotent (setting a value twice is setting it once).
   * On a target that is not the lab (a crashed lab run's rollback found by a cluster run) there is
   * nothing to restore: the lab died with its JVM.
   *
   * @param model the model
   * @param enabled the setting it had before the switch
   */
  public record Restore(String model, boolean enabled) implements Rollback {
    @Override
    public List<ObjectReference> involvedObjects(Target target) {
      return ModelPods.of(target, model);
    }

    @Override
    public String description() {
      return "chunked prefill back " + (enabled ? "on" : "off") + " for model " + model;
    }

    @Override
    public void undo(Target target, Duration timeout) {
      target.unwrap(LabTarget.class).ifPresent(lab -> lab.lab().setChunkedPrefill(model, enabled));
    }
  }
}
