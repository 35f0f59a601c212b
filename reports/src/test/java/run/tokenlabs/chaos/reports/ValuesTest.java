package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Verdict;

class ValuesTest {
  @Test
  void numbersKeepSixSignificantDigitsWithoutNoise() {
    assertThat(Values.number(44.8)).isEqualTo("44.8");
    assertThat(Values.number(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(Values.number(0.0198)).isEqualTo("0.0198");
    assertThat(Values.number(716)).isEqualTo("716");
    assertThat(Values.number(1234567.0)).isEqualTo("1234570");
    assertThat(Values.number(0)).isEqualTo("0");
    assertThat(Values.number(-2.5)).isEqualTo("-2.5");
  }

  @Test
  void nanIsNoDataAndInfinityIsNamed() {
    assertThat(Values.number(Double.NaN)).isEqualTo("no data (NaN)");
    assertThat(Values.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(Values.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
  }

  @Test
  void reasonsLoseTheEnginePrefixes() {
    assertThat(Values.reason(Verdict.BLOCKED, "BLOCKED: NVLink absent")).isEqualTo("NVLink absent");
    assertThat(Values.reason(Verdict.DEVIATED, "java.lang.AssertionError: no alert")).isEqualTo("no alert");
    assertThat(Values.reason(Verdict.ERROR, "run.tokenlabs.chaos.api.ProbeException: down"))
        .isEqualTo("ProbeException: down");
    assertThat(Values.reason(Verdict.ERROR, "java.lang.IllegalStateException")).isEqualTo("IllegalStateException");
    assertThat(Values.reason(Verdict.HELD, "")).isEqualTo("(no message)");
  }
}
