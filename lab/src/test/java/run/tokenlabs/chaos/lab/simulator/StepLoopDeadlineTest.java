package run.tokenlabs.chaos.lab.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The step clock: on time, steps end on the clock; behind it, a step pays back at most a tenth of itself,
 * a decode-only step the wake-up allowance if that is more.
 */
class StepLoopDeadlineTest {
  /** A prefill-sized step: a tenth of it is more than the wake-up allowance. */
  private static final long STEP = 10_000_000;

  @Test
  @DisplayName("on time: a step ends on the clock, so an oversleep of the step before is paid back")
  void onTimeStepsEndOnTheClock() {
    long clock = 11 * STEP; // this step's end had every step been on time
    long plannedAt = 10 * STEP + 50_000; // the step before overslept by 50 us
    assertThat(StepLoop.dueAt(clock, plannedAt, STEP, true)).isEqualTo(clock);
  }

  @Test
  @DisplayName("behind: a long step never ends sooner than 90 % of its duration after it was planned")
  void lateStepLastsAtLeastNinetyPercent() {
    long clock = 11 * STEP;
    long plannedAt = 15 * STEP; // five steps late (a stall, a pause of the machine)
    assertThat(StepLoop.dueAt(clock, plannedAt, STEP, true) - plannedAt).isEqualTo(STEP * 9 / 10);
  }

  @Test
  @DisplayName("a lag of three long steps is paid back over 30 steps, each at 90 % of its duration")
  void lagIsPaidBackATenthPerStep() {
    long clock = 0;
    long now = 3 * STEP; // three steps behind the clock
    int steps = 0;
    while (now - clock > STEP / 10 && steps < 100) { // behind by more than one step can pay back
      clock += STEP;
      long due = StepLoop.dueAt(clock, now, STEP, true);
      assertThat(due - now).isEqualTo(STEP * 9 / 10);
      now = due; // the step ended when due
      steps++;
    }
    assertThat(steps).as("steps to pay back three steps of lag").isBetween(29, 31);
    assertThat(StepLoop.dueAt(clock + STEP, now, STEP, true)).as("caught up: on the clock again").isEqualTo(clock + STEP);
  }

  @Test
  @DisplayName("a 100 us decode step planned 80 us late (a wake-up's overshoot) still ends on the clock")
  void shortStepAbsorbsAWakeUpOvershoot() {
    long step = 100_000;
    long clock = 50 * step;
    long plannedAt = clock - step + 80_000;
    assertThat(StepLoop.dueAt(clock, plannedAt, step, false)).isEqualTo(clock);
  }

  @Test
  @DisplayName("a short decode step pays back at most the wake-up allowance, however far behind")
  void shortStepPaysBackAtMostTheAllowance() {
    long step = 100_000;
    long plannedAt = 10_000_000; // far behind a clock at 0
    assertThat(StepLoop.dueAt(step, plannedAt, step, false)).isEqualTo(plannedAt + step - StepLoop.WAKE_UP_ALLOWANCE_NANOS);
  }

  @Test
  @DisplayName("a short prefill step, however far behind, still lasts 90 % of its duration: no wake-up allowance")
  void shortPrefillStepLastsNinetyPercent() {
    long step = 500_000;
    long plannedAt = 10_000_000; // far behind a clock at 0
    assertThat(StepLoop.dueAt(step, plannedAt, step, true) - plannedAt).isEqualTo(step * 9 / 10);
  }
}
