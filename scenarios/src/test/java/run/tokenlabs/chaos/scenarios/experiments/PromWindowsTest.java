package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.probes.api.Point;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.RangeSeries;

class PromWindowsTest {

  @Test
  void parsesPrometheusDurations() {
    assertThat(PromWindows.parse("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(PromWindows.parse("15s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(PromWindows.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(PromWindows.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(PromWindows.parse("15 s")).as("not a Prometheus duration").isZero();
    assertThat(PromWindows.parse("")).isZero();
  }

  @Test
  void scrapeIntervalIsTheLongestMedianSpacingOfRawSamples() {
    QueryResult.Matrix up = new QueryResult.Matrix(List.of(
        series(0, 1000, 2000, 3000, 9000),      // median gap 1 s despite one outage gap
        series(0, 15_000, 30_000),              // 15 s
        series(0)), List.of());                 // a single sample says nothing
    assertThat(PromWindows.longestSampleSpacing(up)).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void noSpacingWithoutTwoSamples() {
    assertThat(PromWindows.longestSampleSpacing(new QueryResult.Matrix(List.of(series(0)), List.of()))).isZero();
    assertThat(PromWindows.longestSampleSpacing(new QueryResult.Vector(List.of(), List.of()))).isZero();
  }

  @Test
  void rangeSelectorsRoundUpToWholeSeconds() {
    assertThat(PromWindows.promDuration(Duration.ofMillis(1500))).isEqualTo("2s");
    assertThat(PromWindows.promDuration(Duration.ZERO)).isEqualTo("1s");
  }

  private static RangeSeries series(long... millis) {
    return new RangeSeries(Map.of("job", "x"), java.util.Arrays.stream(millis)
        .mapToObj(m -> new Point(Instant.ofEpochMilli(m), 1)).toList());
  }
}
