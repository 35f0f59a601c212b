package run.tokenlabs.chaos.scenarios.lab.faults;

import java.util.Map;
import java.util.Objects;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.lab.api.Lab;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;

/**
 * Switches chunked prefill of one model of the embedded lab on or off (from the simulator's next step), as
 * {@code --enable-chunked-prefill} would after a restart of a real server. Lab only: experiments using it carry
 * {@code @RequiresCapability(LabControls.class)}.
 *
 * <p>Its rollback ({@value #ROLLBACK_KIND}) restores the setting the model had before the switch.
 */
public final class ChunkedPrefillSwitch implements Fault {
  /** The rollback kind, handled by {@link ChunkedPrefillRollbackHandler}. */
  public static final String ROLLBACK_KIND = "lab.chunked-prefill";
  static final String MODEL = "model";
  static final String ENABLED = "enabled";

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
  public Rollback prepare(Target target) {
    boolean before = LabTarget.labOf(target).chunkedPrefill(model);
    return new Rollback(ROLLBACK_KIND, "chunked prefill back " + (before ? "on" : "off") + " for model " + model,
        Map.of(MODEL, model, ENABLED, Boolean.toString(before)));
  }

  @Override
  public void act(Target target) {
    Lab lab = LabTarget.labOf(target);
    lab.setChunkedPrefill(model, on);
  }
}
