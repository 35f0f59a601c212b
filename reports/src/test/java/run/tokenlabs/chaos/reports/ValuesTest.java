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
  void quantitiesReadLikeTheReferencePage() {
    assertThat(Values.quantity(13.5551, "s")).hasToString("13.6 s");
    assertThat(Values.quantity(4.52, "s")).hasToString("4.52 s");
    assertThat(Values.quantity(0.375, "s")).hasToString("375 ms");
    assertThat(Values.quantity(0.000042, "s")).hasToString("42 µs");
    assertThat(Values.quantity(0.000000000424173, "p")).hasToString("4.2e-10 p");
    assertThat(Values.quantity(0.0421, "p")).hasToString("0.042 p");
    assertThat(Values.quantity(99.95, "%")).hasToString("99.95 %");
    assertThat(Values.quantity(1.98123, "%")).hasToString("1.981 %");
    assertThat(Values.quantity(167, "requests")).hasToString("167 requests");
    assertThat(Values.quantity(0.99812, "r")).hasToString("0.998 r");
    assertThat(Values.quantity(Double.NaN, "s")).hasToString("no data (NaN)");
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
