package run.tokenlabs.chaos.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static run.tokenlabs.chaos.api.Tolerance.absent;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;
import static run.tokenlabs.chaos.api.Tolerance.atMost;
import static run.tokenlabs.chaos.api.Tolerance.between;
import static run.tokenlabs.chaos.api.Tolerance.equalTo;
import static run.tokenlabs.chaos.api.Tolerance.matches;
import static run.tokenlabs.chaos.api.Tolerance.present;
import static run.tokenlabs.chaos.api.Tolerance.withinPercentOfBaseline;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ToleranceTest {
  private static final Reading<Double> NO_DATA = Reading.noData("empty vector");

  private static <T> boolean accepts(Tolerance<? super T> tolerance, Reading<T> reading) {
    @SuppressWarnings("unchecked")
    Tolerance<T> t = (Tolerance<T>) tolerance;
    return t.accepts(reading, null);
  }

  @Test
  @DisplayName("Numeric bounds are inclusive and read as in messages")
  void numericBounds() {
    assertThat(atMost(0.001).description()).isEqualTo("<= 0.001");
    assertThat(atLeast(1).description()).isEqualTo(">= 1");
    assertThat(between(1, 3).description()).isEqualTo("between 1 and 3");
    assertThat(accepts(atMost(0.001), Reading.of(0.001))).isTrue();
    assertThat(accepts(atMost(0.001), Reading.of(0.0011))).isFalse();
    assertThat(accepts(atLeast(1), Reading.of(1))).isTrue();
    assertThat(accepts(atLeast(1), Reading.of(0))).isFalse();
    assertThat(accepts(between(1, 3), Reading.of(3.0))).isTrue();
    assertThat(accepts(between(1, 3), Reading.of(3.5))).isFalse();
  }

  @Test
  @DisplayName("No data never satisfies a numeric bound: a vanished series is not 0")
  void noDataIsNotZero() {
    assertThat(accepts(atMost(0.001), NO_DATA)).isFalse();
    assertThat(accepts(atLeast(0), NO_DATA)).isFalse();
    assertThat(accepts(equalTo(0.0), NO_DATA)).isFalse();
    assertThat(accepts(present(), NO_DATA)).isFalse();
    assertThat(accepts(absent(), NO_DATA)).isTrue();
    assertThat(accepts(absent(), Reading.of(0.0))).as("a 0 value is data, not absence").isFalse();
    assertThat(NO_DATA.toString()).isEqualTo("no data (empty vector)");
  }

  @Test
  @DisplayName("NaN satisfies no numeric bound")
  void nanFailsBounds() {
    assertThat(accepts(atMost(1), Reading.of(Double.NaN))).isFalse();
    assertThat(accepts(atLeast(-1), Reading.of(Double.NaN))).isFalse();
    assertThat(accepts(between(-1e9, 1e9), Reading.of(Double.NaN))).isFalse();
    assertThat(accepts(withinPercentOfBaseline(10), Reading.of(Double.NaN))).isFalse();
    assertThat(accepts(atLeast(5), Reading.of(Double.POSITIVE_INFINITY))).isTrue();
  }

  @Test
  @DisplayName("equalTo compares numbers by value; matches uses the whole text")
  void equalityAndMatching() {
    assertThat(accepts(equalTo(1), Reading.of(1.0))).isTrue();
    assertThat(accepts(equalTo("Running"), Reading.of("Running"))).isTrue();
    assertThat(accepts(equalTo("Running"), Reading.of("Pending"))).isFalse();
    assertThat(accepts(matches("stop|length"), Reading.of("stop"))).isTrue();
    assertThat(accepts(matches("stop"), Reading.of("stopped"))).isFalse();
    assertThat(matches("stop|length").description()).isEqualTo("matches /stop|length/");
  }

  @Test
  @DisplayName("withinPercentOfBaseline compares with the reading taken before the fault")
  void baseline() {
    Tolerance<Number> tolerance = withinPercentOfBaseline(10);
    Reading<Number> base = Reading.of(100.0);

    assertThat(tolerance.accepts(Reading.of(100.0), null)).as("while the baseline is taken").isTrue();
    assertThat(tolerance.accepts(Reading.of(110.0), base)).isTrue();
    assertThat(tolerance.accepts(Reading.of(89.9), base)).isFalse();
    assertThat(tolerance.accepts(Reading.of(0.0), Reading.of(0.0))).isTrue();
    assertThat(tolerance.accepts(Reading.of(0.1), Reading.of(0.0))).isFalse();
    assertThat(tolerance.accepts(Reading.of(100.0), Reading.noData("gone"))).isFalse();
    assertThat(tolerance.description()).isEqualTo("within 10% of the baseline");
  }

  @Test
  @DisplayName("Nonsense limits are refused when written")
  void badLimits() {
    assertThatThrownBy(() -> between(3, 1)).hasMessageContaining("low must be <= high");
    assertThatThrownBy(() -> withinPercentOfBaseline(-5)).hasMessageContaining("percent must be >= 0");
  }

  @Test
  @DisplayName("A Probe.of that returns null is a probe error, not a reading")
  void nullReadingIsAnError() {
    Probe<Double> probe = Probe.of("broken", () -> null);

    assertThatThrownBy(probe::read).isInstanceOf(ProbeException.class)
        .hasMessageContaining("return Reading.noData(reason) when there is no data");
  }
}
