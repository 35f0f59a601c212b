package run.tokenlabs.chaos.lab.api;

import java.time.Duration;
import run.tokenlabs.chaos.lab.simulator.FaultState;

/**
 * The fault hooks of one model's simulator. They hold for every pod of the model (a replacement pod
 * inherits them) until {@link #clear()}. The same hooks are on the lab's admin endpoint
 * ({@code POST /faults/{model}}).
 */
public final class ModelFaults {
  private final FaultState state;

  ModelFaults(FaultState state) {
    this.state = state;
  }

  /** Streams stop after {@code tokens} tokens: the body ends with no finish_reason, usage or {@code [DONE]}. */
  public ModelFaults cutStreamsAfter(int tokens) {
    state.cutStreamsAfter(tokens);
    return this;
  }

  /** This share (0..1) of requests has its connection reset before any response byte. */
  public ModelFaults resetConnections(double rate) {
    state.resetConnections(rate);
    return this;
  }

  /** This share (0..1) of requests is answered with {@code status} (5xx) and an OpenAI error body. */
  public ModelFaults failRequests(double rate, int status) {
    state.failRequests(rate, status);
    return this;
  }

  /** The engine computes nothing for {@code duration}: streams freeze; {@code /health} still answers. */
  public ModelFaults stall(Duration duration) {
    state.stall(duration);
    return this;
  }

  /** Every scheduler step takes {@code factor} (>= 1) times as long. */
  public ModelFaults slowSteps(double factor) {
    state.slowSteps(factor);
    return this;
  }

  /** The step time factor armed now: 1 when steps are not slowed down. */
  public double stepSlowdown() {
    return state.stepSlowdown();
  }

  /** Disarms every fault of this model. */
  public ModelFaults clear() {
    state.clear();
    return this;
  }

  /** The armed faults as JSON. */
  public String describe() {
    return state.describe();
  }
}
