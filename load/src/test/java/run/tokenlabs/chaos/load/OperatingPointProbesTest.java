package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Loop;
import run.tokenlabs.chaos.load.api.OperatingPoint;
import run.tokenlabs.chaos.load.api.OperatingPointSearch;
import run.tokenlabs.chaos.load.api.PercentileSlo;
import run.tokenlabs.chaos.load.api.Workload;

/** Operating-point probes as real bounded loads against a local server. */
class OperatingPointProbesTest {
  private static final Duration PROBE = Duration.ofMillis(500);

  @Test
  void probesAreBoundedOpenLoopsAndReportGoodput() throws Exception {
    try (var sse = SseTestServer.start(seen -> SseTestServer.Behaviour.normal())) {
      var search = OperatingPointSearch.of(Endpoint.completions(sse.baseUrl(), "m"), Workload.of(LoadFixtures.tiny()),
          PercentileSlo.p95(Duration.ofSeconds(1), Duration.ofMillis(200)), PROBE).startingAt(4).upTo(16);

      OperatingPoint point = search.run();

      assertThat(point.probes()).extracting(OperatingPoint.Probe::rate).containsExactly(4.0, 8.0, 16.0);
      assertThat(point.rate()).hasValue(16.0);
      assertThat(point.probes()).allSatisfy(p -> {
        assertThat(p.meets()).isTrue();
        assertThat(p.scheduled()).isPositive().isLessThanOrEqualTo((long) Math.ceil(2 * p.rate() * 0.5));
        assertThat(p.goodputPerSecond()).isPositive();
      });
      assertThat(search.specAt(16).loop()).isInstanceOf(Loop.Open.class);
      assertThat(((Loop.Open) search.specAt(16).loop()).arrivals().ratePerSecond()).isEqualTo(16.0);
    }
  }

  @Test
  void aServerSlowerThanTheObjectiveHasNoOperatingPoint() throws Exception {
    try (var sse = SseTestServer.start(seen -> SseTestServer.Behaviour.normal().headersDelay(Duration.ofMillis(300)))) {
      OperatingPoint point = OperatingPointSearch.of(Endpoint.completions(sse.baseUrl(), "m"),
          Workload.of(LoadFixtures.tiny()), PercentileSlo.p95(Duration.ofMillis(100), Duration.ofMillis(200)), PROBE)
          .startingAt(4).run();

      assertThat(point.chosen()).isEmpty();
      assertThat(point.probes()).hasSize(1);
      assertThat(point.probes().get(0).ttftMillis()).isGreaterThanOrEqualTo(300);
    }
  }
}
