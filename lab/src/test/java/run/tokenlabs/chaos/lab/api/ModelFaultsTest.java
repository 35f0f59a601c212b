package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.simulator.FaultState;

/** What a model's fault hooks report back, so a fault can restore what it found. */
class ModelFaultsTest {
  private final ModelFaults faults = new ModelFaults(new FaultState());

  @Test
  @DisplayName("The armed step slowdown reads back; 1 when none is armed and again after clear()")
  void stepSlowdownReadsBack() {
    assertThat(faults.stepSlowdown()).isEqualTo(1.0);

    faults.slowSteps(3.5).cutStreamsAfter(5);
    assertThat(faults.stepSlowdown()).isEqualTo(3.5);

    faults.clear();
    assertThat(faults.stepSlowdown()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("A refused factor leaves the armed one in place")
  void refusedFactorKeepsTheArmedOne() {
    faults.slowSteps(2);

    assertThatThrownBy(() -> faults.slowSteps(0.5)).hasMessageContaining("must be >= 1, saw 0.5");
    assertThat(faults.stepSlowdown()).isEqualTo(2.0);
  }
}
