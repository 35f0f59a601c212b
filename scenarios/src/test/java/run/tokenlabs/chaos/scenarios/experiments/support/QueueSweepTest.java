package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.scenarios.experiments.support.QueueSweep.Step;

/**
 * LLMD-2's per-step figures and its queueing onset. The lab never queues at the sweep's concurrencies (its
 * {@code max_num_seqs} and step budget admit every request), so the onset's branch is checked here.
 */
class QueueSweepTest {

  private static Step step(int concurrency, double queueMean) {
    return new Step(concurrency, null, new double[] {0.4, 0.5, 30, 35}, new double[] {120, 125, 130},
        queueMean, queueMean * 4, 100, queueMean * 3, queueMean);
  }

  @Test
  @DisplayName("the onset is the first step whose time-averaged queue reaches the threshold, not a passing blip")
  void onsetIsFirstStepAtTheThreshold() {
    List<Step> steps = List.of(step(1, 0), step(4, 0.02), step(8, QueueSweep.QUEUEING), step(16, 2.5));

    assertThat(QueueSweep.onset(steps)).get().extracting(Step::concurrency).isEqualTo(8);
  }

  @Test
  @DisplayName("no step at the threshold: no onset, as on the lab up to 16 sessions")
  void noOnsetBelowTheThreshold() {
    assertThat(QueueSweep.onset(List.of(step(1, 0), step(6, 0.099), step(16, 0.05)))).isEmpty();
  }

  @Test
  @DisplayName("percentiles are nearest-rank; TPOT's coefficient of variation is the sample sd over the mean")
  void stepFigures() {
    Step s = step(6, 0);

    assertThat(s.ttftPercentile(50)).isEqualTo(0.5);
    assertThat(s.ttftPercentile(95)).isEqualTo(35);
    assertThat(s.tpotMedian()).isEqualTo(125);
    assertThat(s.tpotMean()).isEqualTo(125);
    assertThat(s.tpotCv()).isCloseTo(5.0 / 125, offset(1e-12));
    assertThat(Step.percentile(new double[0], 50)).isNaN();
  }
}
