package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PromDurationTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
      "1s, 1000", "15s, 15000", "90s, 90000", "500ms, 500", "1m30s, 90000", "1h30m, 5400000",
      "1s500ms, 1500", "2d, 172800000", "1w, 604800000", "1y, 31536000000", "1h0m5s, 3605000", "0, 0", "0s, 0"})
  @DisplayName("Prometheus' grammar: numbers with units, largest first")
  void parses(String text, long millis) {
    assertThat(PromDuration.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "15 s", " 15s", "1.5s", "15", "s", "1m1h", "30s1m", "1s1s", "5 minutes", "-1s", "1S",
      "PT15S", "10x"})
  @DisplayName("anything else is refused with the grammar, never read as zero")
  void refuses(String text) {
    assertThatThrownBy(() -> PromDuration.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'" + text + "' is not a Prometheus duration: ")
        .hasMessageContaining("e.g. 1h30m, 90s, 500ms");
  }

  @Test
  @DisplayName("errors say where the text stops making sense")
  void errorsSayWhy() {
    assertThatThrownBy(() -> PromDuration.parse("15")).hasMessageContaining("the number 15 has no unit");
    assertThatThrownBy(() -> PromDuration.parse("15 s")).hasMessageContaining("' s' does not start with a unit");
    assertThatThrownBy(() -> PromDuration.parse("30s1m")).hasMessageContaining("unit 'm' comes after a smaller unit");
    assertThatThrownBy(() -> PromDuration.parse("")).hasMessageContaining("it is empty");
    assertThatThrownBy(() -> PromDuration.parse("99999999999999999999s")).hasMessageContaining("too large");
    assertThatThrownBy(() -> PromDuration.parse("9999999999999999y")).hasMessageContaining("overflows");
  }

  @Test
  @DisplayName("format writes what parse reads back, as Prometheus writes it")
  void formatRoundTrips() {
    assertThat(PromDuration.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(PromDuration.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
    assertThat(PromDuration.format(Duration.ofDays(8))).isEqualTo("1w1d");
    assertThat(PromDuration.format(Duration.ZERO)).isEqualTo("0s");
    for (String text : new String[] {"1h30m", "15s", "250ms", "1y2w3d4h5m6s7ms"}) {
      assertThat(PromDuration.format(PromDuration.parse(text))).isEqualTo(text);
    }
    assertThatThrownBy(() -> PromDuration.format(Duration.ofSeconds(-1))).hasMessageContaining("cannot be negative");
  }

  @Test
  @DisplayName("a range window covers the duration: whole seconds rounded up, at least 1 s")
  void windowsRoundUpToWholeSeconds() {
    assertThat(PromDuration.window(Duration.ofMillis(1500))).isEqualTo("2s");
    assertThat(PromDuration.window(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(PromDuration.window(Duration.ZERO)).isEqualTo("1s");
  }
}
