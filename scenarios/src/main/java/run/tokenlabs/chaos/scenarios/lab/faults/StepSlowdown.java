package run.tokenlabs.chaos.scenarios.lab.faults;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.lab.api.ModelFaults;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;

/**
 * Makes every scheduler step of one lab model {@code factor} times longer: the lab's clock runs slower for
 * that model, so the scheduler's effects (one long prefill: 50 ms of wall time at the gb10 time scale) stand
 * out of the client's own overhead on a busy machine. Latencies measured under it are converted back with
 * the effective time scale (the profile's times the factor). Lab only.
 *
 * <p>Its rollback ({@value #ROLLBACK_KIND}) puts back the factor the model had before, read from the
 * simulator's armed faults; other armed faults are left alone.
 */
public final class StepSlowdown implements Fault {
  /** The rollback kind, handled by {@link StepSlowdownRollbackHandler}. */
  public static final String ROLLBACK_KIND = "lab.step-slowdown";
  static final String MODEL = "model";
  static final String FACTOR = "factor";
  private static final Pattern ARMED = Pattern.compile("\"stepSlowdown\"\\s*:\\s*([0-9.eE+-]+)");

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
  public Rollback prepare(Target target) {
    double before = armedFactor(LabTarget.labOf(target).faults(model));
    return new Rollback(ROLLBACK_KIND, "step time factor of model " + model + " back to " + before,
        Map.of(MODEL, model, FACTOR, Double.toString(before)));
  }

  @Override
  public void act(Target target) {
    LabTarget.labOf(target).faults(model).slowSteps(factor);
  }

  /** The factor armed now, from the simulator's description of its faults. */
  static double armedFactor(ModelFaults faults) {
    String armed = faults.describe();
    Matcher m = ARMED.matcher(armed);
    if (!m.find()) {
      throw new IllegalStateException("The lab's armed faults do not say the step slowdown: " + armed);
    }
    return Double.parseDouble(m.group(1));
  }
}
