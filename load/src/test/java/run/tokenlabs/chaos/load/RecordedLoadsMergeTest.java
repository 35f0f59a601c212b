package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.LatencyHistograms;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * What a scale-out's coordinator does with its workers' histograms, on two real loads: their sum
 * ({@link LatencyHistograms#sum}) equals the histograms of all their records together, so two workers
 * merged give the percentiles of one client that measured the same requests.
 */
class RecordedLoadsMergeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Every 7th request answers 503, every 5th is cut after 2 tokens; token pacing varies with the request. */
  private static SseTestServer.Behaviour varied(SseTestServer.Seen seen) {
    long n = seen.requestNumber();
    var b = SseTestServer.Behaviour.normal().tokens(3 + (int) (n % 4), Duration.ofMillis(n % 3));
    return n % 7 == 0 ? b.status(503) : n % 5 == 0 ? b.cutAfter(2) : b;
  }

  @Test
  @DisplayName("the sum of two recorded loads' histograms equals the histograms of their records together, percentile by percentile")
  void sumOfTwoLoadsEqualsTheirUnion() throws Exception {
    try (var server = SseTestServer.start(RecordedLoadsMergeTest::varied)) {
      LoadResult first = run(server, 3, 40);
      LoadResult second = run(server, 2, 25);
      List<RequestRecord> union = new ArrayList<>(first.records());
      union.addAll(second.records());

      Map<String, Histogram> merged = LatencyHistograms.sum(List.of(first.histograms(), second.histograms()), TIMEOUT)
          .named();
      Map<String, Histogram> whole = LatencyHistograms.of(union, TIMEOUT).named();

      assertThat(merged.keySet()).isEqualTo(whole.keySet());
      whole.forEach((name, h) -> {
        assertThat(merged.get(name)).as(name).isEqualTo(h);
        for (double p : new double[] {50, 90, 99, 100}) {
          assertThat(merged.get(name).getValueAtPercentile(p)).as("%s p%s", name, p).isEqualTo(h.getValueAtPercentile(p));
        }
      });
      assertThat(whole.get("ttft").getTotalCount()).isPositive();
      assertThat(whole.get("dispatch").getTotalCount()).isEqualTo(65);
    }
  }

  private static LoadResult run(SseTestServer server, int sessions, int requests) {
    return Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), sessions)
        .withWorkload(Bucket.of("A", 16, 6))
        .withBounds(new Bounds(Duration.ofSeconds(20), requests, TIMEOUT))
        .withProgress(Progress.none())
        .run();
  }
}
