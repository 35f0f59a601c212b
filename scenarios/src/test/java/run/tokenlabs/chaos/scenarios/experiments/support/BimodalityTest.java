package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The log-scale mixture test of {@link Bimodality} on samples whose answer is known. */
class BimodalityTest {
  @Test
  @DisplayName("short answers near 0.3 s and reasoning chains near 35 s are two modes, found where they are")
  void twoSeparatedModes() {
    Random random = new Random(1);
    double[] values = new double[80];
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.exp((i % 2 == 0 ? Math.log(0.3) : Math.log(35)) + 0.2 * random.nextGaussian());
    }

    Bimodality.Result result = Bimodality.test(values, 199, 7, 0.05);

    assertThat(result.bimodal()).as("%s", result).isTrue();
    assertThat(result.pValue()).as("%s", result).isEqualTo(1.0 / 200);
    assertThat(result.modes()).isEqualTo(2);
    assertThat(result.lowerMode()).isCloseTo(0.3, within(0.05));
    assertThat(result.upperMode()).isCloseTo(35, within(5.0));
    assertThat(result.mixture().weight()).isCloseTo(0.5, within(0.01));
    assertThat(result.mixture().separation()).isGreaterThan(2);
  }

  @Test
  @DisplayName("one log-normal mode is rejected at about the nominal rate: the p-value is calibrated")
  void oneModeIsCalibrated() {
    Random random = new Random(2);
    int rejected = 0;
    int samples = 30;
    for (int s = 0; s < samples; s++) {
      double[] values = new double[60];
      for (int i = 0; i < values.length; i++) {
        values[i] = Math.exp(Math.log(2) + 0.8 * random.nextGaussian()); // right-skewed, one mode
      }
      if (Bimodality.test(values, 99, s, 0.05).pValue() < 0.05) {
        rejected++;
      }
    }
    // 1.5 expected at alpha 0.05; 6 or more of 30 has probability under 0.5% if the test is calibrated.
    assertThat(rejected).as("single-mode samples rejected at p < 0.05, of %d", samples).isLessThanOrEqualTo(5);
  }

  @Test
  @DisplayName("a mixture of two equal Gaussians has two modes only when the means are over 2 sd apart")
  void mixtureModesFollowTheTwoSigmaRule() {
    assertThat(new Bimodality.Mixture(0.5, 0, 1, 1.9, 1, 0).modes()).isEqualTo(1);
    assertThat(new Bimodality.Mixture(0.5, 0, 1, 2.2, 1, 0).modes()).isEqualTo(2);
    assertThat(new Bimodality.Mixture(0.5, 0, 1, 2.2, 1, 0).separation()).isCloseTo(2.2, within(1e-9));
  }

  @Test
  @DisplayName("a unimodal blend is not called bimodal, even where EM puts a second component on a few outliers")
  void unimodalBlendIsNotBimodal() {
    Random random = new Random(3);
    double[] values = new double[400];
    for (int i = 0; i < values.length; i++) {
      // a quarter 1.5 sd above the rest: a shoulder, not a second peak
      values[i] = Math.exp((i % 4 == 0 ? 0.75 : 0) + 0.5 * random.nextGaussian());
    }
    Bimodality.Result blend = Bimodality.test(values, 99, 3, 0.05);

    // This seed's fit parks the upper component on one outlier (weight under 1%): two maxima, no second mode.
    assertThat(Math.min(blend.mixture().weight(), 1 - blend.mixture().weight())).as("%s", blend)
        .isLessThan(Bimodality.MIN_WEIGHT);
    assertThat(blend.bimodal()).as("%s", blend).isFalse();
  }

  @Test
  @DisplayName("zero, negative or too few latencies are refused with what was seen")
  void refusesWhatItCannotTest() {
    assertThatThrownBy(() -> Bimodality.test(new double[] {1, 2, 3}, 99, 1, 0.05))
        .hasMessageContaining("at least 6").hasMessageContaining("saw 3");
    assertThatThrownBy(() -> Bimodality.test(new double[] {1, 2, 3, 0, 5, 6}, 99, 1, 0.05))
        .hasMessageContaining("saw 0.0 at 3");
  }
}
