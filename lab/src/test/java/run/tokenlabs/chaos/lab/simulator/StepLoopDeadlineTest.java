package run.tokenlabs.chaos.lab.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The step clock: on time, steps end on the clock; behind it, each step pays back at most a tenth of itself. */
class StepLoopDeadlineTest {
  private static final long STEP = 1_000_000;

  @Test
  @DisplayName("on time: a step ends on the clock, so an oversleep of the step before is paid back")
  void onTimeStepsEndOnTheClock() {
    long clock = 11 * STEP; // this step's end had every step been on time
    long plannedAt = 10 * STEP + 50_000; // the step before overslept by 50 us
    assertThat(StepLoop.dueAt(clock, plannedAt, STEP)).isEqualTo(clock);
  }

  @Test
  @DisplayName("behind: a step never ends sooner than 90 % of its duration after it was planned")
  void lateStepLastsAtLeastNinetyPercent() {
    long clock = 11 * STEP;
    long plannedAt = 15 * STEP; // five steps late (a stall, a pause of the machine)
    assertThat(StepLoop.dueAt(clock, plannedAt, STEP) - plannedAt).isEqualTo(STEP * 9 / 10);
  }

  @Test
  @DisplayName("a lag of three steps is paid back over 30 steps, each at 90 % of its duration")
  void lagIsPaidBackATenthPerStep() {
    long clock = 0;
    long now = 3 * STEP; // three steps behind the clock
    int steps = 0;
    while (now - clock > STEP / 10 && steps < 100) { // behind by more than one step can pay back
      clock += STEP;
      long due = StepLoop.dueAt(clock, now, STEP);
      assertThat(due - now).isEqualTo(STEP * 9 / 10);
      now = due; // the step ended when due
      steps++;
    }
    assertThat(steps).as("steps to pay back three steps of lag").isBetween(29, 31);
    assertThat(StepLoop.dueAt(clock + STEP, now, STEP)).as("caught up: on the clock again").isEqualTo(clock + STEP);
  }
}
