package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.CoordinatedOmission;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;

/**
 * A server that stalls 2 s must show in the percentiles, not only in the ledger: a closed loop's
 * figures corrected for coordinated omission and a warning that the issue rate collapsed; requests
 * that never got a first token counted at their deadline.
 */
class StallPercentilesTest {
  private static final Duration STALL = Duration.ofSeconds(2);
  private static final int SESSIONS = 8;

  /** Requests numbered from {@code first} for one round of every session wait {@link #STALL} for their headers. */
  private static SseTestServer.Behaviour stallingFrom(SseTestServer.Seen seen, long first) {
    var normal = SseTestServer.Behaviour.normal().tokens(4, Duration.ofMillis(10));
    long n = seen.requestNumber();
    return n >= first && n < first + SESSIONS ? normal.headersDelay(STALL) : normal;
  }

  @Test
  @DisplayName("a closed loop through a 2 s stall: corrected figures add the requests never issued, and a warning says the rate collapsed")
  void closedLoopThroughAStall() throws Exception {
    try (var server = SseTestServer.start(seen -> stallingFrom(seen, 150))) {
      LoadResult result = Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), SESSIONS)
          .withWorkload(Bucket.of("A", 16, 4))
          .withBounds(new Bounds(Duration.ofSeconds(60), 600, Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();

      assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(600);
      Histogram raw = result.histograms().e2eMicros();
      CoordinatedOmission corrected = result.coordinatedOmission().orElseThrow();
      long interval = corrected.expectedInterval().toNanos() / 1_000;
      assertThat(interval).isPositive();
      // each of the 8 stalled requests took at least 2 s: the correction adds one value per expected interval in it
      long addedAtLeast = SESSIONS * (STALL.toNanos() / 1_000 / interval - 1);
      assertThat(corrected.e2eMicros().getTotalCount()).isGreaterThanOrEqualTo(raw.getTotalCount() + addedAtLeast);
      assertThat(corrected.ttftMicros().getTotalCount())
          .isGreaterThanOrEqualTo(result.histograms().ttftMicros().getTotalCount() + addedAtLeast);
      assertThat(corrected.e2eMicros().getMaxValue()).isEqualTo(raw.getMaxValue());

      assertThat(result.warnings()).singleElement().asString()
          .contains("issue rate collapsed").contains("coordinatedOmission()");
      JsonNode json = new ObjectMapper().readTree(result.toJson(false));
      assertThat(json.at("/coordinatedOmission/e2e/count").asLong()).isEqualTo(corrected.e2eMicros().getTotalCount());
      assertThat(json.at("/warnings/0").asText()).contains("issue rate collapsed");
      assertThat(json.at("/latencyMillis/all/ttft/population").asText()).isEqualTo("complete requests");
    }
  }

  @Test
  @DisplayName("requests timed out by a stall count at their deadline in TTFT-at-deadline, though no TTFT percentile holds them")
  void timedOutRequestsCountAtTheirDeadline() throws Exception {
    Duration timeout = Duration.ofSeconds(1);
    try (var server = SseTestServer.start(seen -> stallingFrom(seen, 40))) {
      LoadResult result = Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), SESSIONS)
          .withWorkload(Bucket.of("A", 16, 4))
          .withBounds(new Bounds(Duration.ofSeconds(60), 100, timeout))
          .withProgress(Progress.none())
          .run();

      assertThat(result.ledger().count(Outcome.TIMEOUT)).isEqualTo(SESSIONS);
      assertThat(result.histograms().ttftMicros().getTotalCount()).isEqualTo(100 - SESSIONS);
      Histogram atDeadline = result.histograms().ttftAtDeadlineMicros();
      assertThat(atDeadline.getTotalCount()).isEqualTo(100);
      // 8 of 100 at the deadline: the 95th percentile is one of them
      assertThat(atDeadline.getValueAtPercentile(95)).isEqualTo(atDeadline.highestEquivalentValue(1_000_000));
      assertThat(result.histograms().ttftMicros(Outcome.TIMEOUT).getTotalCount()).isZero();
    }
  }

  @Test
  @DisplayName("an open loop has no coordinated-omission correction: its latencies already run from the scheduled arrival")
  void openLoopNeedsNoCorrection() throws Exception {
    try (var server = SseTestServer.start(seen -> SseTestServer.Behaviour.normal().tokens(2, Duration.ZERO))) {
      LoadResult result = Load.openLoop(Endpoint.completions(server.baseUrl(), "m"),
              run.tokenlabs.chaos.load.api.Arrivals.poisson(200).withSeed(3))
          .withWorkload(Bucket.of("A", 16, 2))
          .withBounds(new Bounds(Duration.ofSeconds(10), 20, Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();

      assertThat(result.coordinatedOmission()).isEmpty();
      assertThat(result.histograms().ttftAtDeadlineMicros().getTotalCount()).isEqualTo(20);
    }
  }
}
