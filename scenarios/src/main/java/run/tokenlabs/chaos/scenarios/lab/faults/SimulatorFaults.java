package run.tokenlabs.chaos.scenarios.lab.faults;

import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.lab.api.ModelFaults;
import run.tokenlabs.chaos.scenarios.lab.LabControls;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;

/**
 * Faults armed in the embedded lab's model simulator (stream cuts, connection resets). Each rolls
 * back by disarming every injected fault of its model, so the next experiment of the run finds the
 * simulator as it was. They need the lab: guard experiments that use them with
 * {@code @RequiresCapability(}{@link LabControls}{@code .class)}, which makes them BLOCKED on a cluster.
 */
public final class SimulatorFaults {
  /** The namespace the lab's model pods run in. */
  static final String MODEL_NAMESPACE = "token-labs";

  private SimulatorFaults() {
  }

  /**
   * Every stream of {@code model} ends after {@code tokens} tokens: the body closes cleanly, but with no
   * {@code finish_reason}, no usage chunk and no {@code data: [DONE]} (a silent truncation).
   */
  public static Fault<?> cutStreamsAfter(String model, int tokens) {
    if (tokens < 0) {
      throw new IllegalArgumentException("cutStreamsAfter(" + model + ", " + tokens + "): tokens must be >= 0");
    }
    return new ArmedFault(model, "cut every " + model + " stream after " + tokens
        + " tokens (no finish_reason, no usage chunk, no [DONE])", faults -> faults.cutStreamsAfter(tokens));
  }

  /** This share (0..1) of {@code model}'s requests has its connection reset before any response byte. */
  public static Fault<?> resetConnections(String model, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("resetConnections(" + model + ", " + rate + "): rate must be within 0..1");
    }
    return new ArmedFault(model, "reset " + rate * 100 + "% of " + model + " connections before any response byte",
        faults -> faults.resetConnections(rate));
  }

  /** A fault armed on one model's simulator; its rollback disarms all of that model's faults. */
  private record ArmedFault(String model, String description, Consumer<ModelFaults> arm) implements Fault<Disarm> {
    ArmedFault {
      Objects.requireNonNull(model, "model");
    }

    @Override
    public Set<String> namespaces() {
      return Set.of(MODEL_NAMESPACE);
    }

    @Override
    public Disarm prepare(Target target) {
      LabTarget.labOf(target).faults(model); // fails here, before anything is armed, for an unknown model
      return new Disarm(model);
    }

    @Override
    public void act(Target target, Disarm rollback) {
      arm.accept(LabTarget.labOf(target).faults(model));
    }
  }

  /**
   * Disarms every fault injected into one model's simulator. Idempotent (disarming twice is disarming
   * once). Injected faults live in the lab's JVM, so when a pending rollback of a crashed run is
   * completed against a new lab, or a target that is not the lab, nothing is armed and it does nothing.
   *
   * @param model the model whose simulator is disarmed
   */
  public record Disarm(String model) implements Rollback {
    @Override
    public List<ObjectReference> involvedObjects(Target target) {
      return ModelPods.of(target, model);
    }

    @Override
    public String description() {
      return "disarm every injected fault of " + model + "'s simulator";
    }

    @Override
    public void undo(Target target, Duration timeout) {
      target.unwrap(LabTarget.class).ifPresent(lab -> lab.lab().faults(model).clear());
    }
  }
}
