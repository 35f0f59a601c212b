package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExperimentPropertiesTest {
  private static final String KEY = "tokenlabs.test.experiment.property";

  @AfterEach
  void clear() {
    System.clearProperty(KEY);
  }

  @Test
  @DisplayName("unset means the default; a valid value is taken")
  void defaultsAndValues() {
    assertThat(ExperimentProperties.positiveInt(KEY, 64, 1024)).isEqualTo(64);
    System.setProperty(KEY, " 50 ");
    assertThat(ExperimentProperties.positiveInt(KEY, 64, 1024)).isEqualTo(50);
    System.setProperty(KEY, "2.5");
    assertThat(ExperimentProperties.atLeast(KEY, 4, 1)).isEqualTo(2.5);
  }

  @Test
  @DisplayName("a bad value is an error naming property, value and accepted form, never the default")
  void badValuesAreRefused() {
    System.setProperty(KEY, "sixty-four");
    assertThatThrownBy(() -> ExperimentProperties.positiveInt(KEY, 64, 1024))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("System property " + KEY + "='sixty-four' is not accepted; give a whole number from 1 to 1024 "
            + "(default 64)");
    System.setProperty(KEY, "0");
    assertThatThrownBy(() -> ExperimentProperties.positiveInt(KEY, 64, 1024)).hasMessageContaining("'0'");
    System.setProperty(KEY, "0.5");
    assertThatThrownBy(() -> ExperimentProperties.atLeast(KEY, 4, 1)).hasMessageContaining("give a number >= 1.0");
  }
}
