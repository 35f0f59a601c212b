package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ScrapeIntervalTest {
  private static final String RAW_UP = "up[5m]";
  private static final String CONFIGURED = "count by (interval) (prometheus_target_interval_length_seconds)";

  @Test
  @DisplayName("the longest per-series median spacing of raw samples; one outage gap does not move a median")
  void longestMedianSpacing() {
    QueryResult.Matrix up = new QueryResult.Matrix(List.of(
        series(0, 1000, 2000, 3000, 9000),
        series(0, 15_000, 30_000),
        series(0)), List.of());

    assertThat(ScrapeInterval.longestSampleSpacing(up)).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  @DisplayName("no spacing without two samples of one series, or without a matrix")
  void noSpacingWithoutTwoSamples() {
    assertThat(ScrapeInterval.longestSampleSpacing(new QueryResult.Matrix(List.of(series(0)), List.of()))).isZero();
    assertThat(ScrapeInterval.longestSampleSpacing(new QueryResult.Vector(List.of(), List.of()))).isZero();
  }

  @Test
  @DisplayName("a fresh Prometheus: waits for the second scrape, then measures")
  void waitsForTheSecondScrape() {
    AtomicInteger asked = new AtomicInteger();
    StubPrometheus prometheus = new StubPrometheus().answer(RAW_UP,
        () -> asked.incrementAndGet() < 3 ? matrix(series(0)) : matrix(series(0, 1000)));

    assertThat(ScrapeInterval.of(prometheus, Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(1));
    assertThat(asked).hasValue(3);
  }

  @Test
  @DisplayName("no second scrape in time: the configured interval Prometheus reports, the longest of them")
  void fallsBackToTheConfiguredInterval() {
    StubPrometheus prometheus = new StubPrometheus().answer(RAW_UP, () -> matrix(series(0)))
        .answer(CONFIGURED, () -> vector(Map.of("interval", "15s"), Map.of("interval", "1m"),
            Map.of("interval", "not a duration")));

    assertThat(ScrapeInterval.of(prometheus, Duration.ofMillis(100))).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  @DisplayName("neither measured nor reported: Prometheus' 15 s default")
  void fallsBackToTheDefault() {
    StubPrometheus prometheus = new StubPrometheus().answer(RAW_UP, () -> matrix())
        .answer(CONFIGURED, () -> vector());

    assertThat(ScrapeInterval.of(prometheus, Duration.ofMillis(100))).isEqualTo(ScrapeInterval.DEFAULT);
  }

  @Test
  @DisplayName("through PrometheusProbes, over HTTP: the matrix Prometheus answers is measured")
  void overHttp() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"job\":\"vllm\"},\"values\":"
          + "[[1700000000,\"1\"],[1700000015,\"1\"],[1700000030,\"1\"]]}]}");

      assertThat(PrometheusProbes.using(prometheus.client()).scrapeInterval()).isEqualTo(Duration.ofSeconds(15));
      assertThat(prometheus.requests).singleElement().asString().contains("/api/v1/query").contains("up%5B5m%5D");
    }
  }

  private static RangeSeries series(long... millis) {
    return new RangeSeries(Map.of("job", "x"), Arrays.stream(millis)
        .mapToObj(m -> new Point(Instant.ofEpochMilli(m), 1)).toList());
  }

  private static QueryResult.Matrix matrix(RangeSeries... series) {
    return new QueryResult.Matrix(List.of(series), List.of());
  }

  @SafeVarargs
  private static QueryResult.Vector vector(Map<String, String>... labels) {
    return new QueryResult.Vector(Arrays.stream(labels).map(l -> new Sample(l, Instant.EPOCH, 1)).toList(), List.of());
  }
}
