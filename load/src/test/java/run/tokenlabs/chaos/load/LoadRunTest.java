package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;

class LoadRunTest {

  @Test
  @DisplayName("an open loop against a healthy server completes every request and balances the ledger")
  void openLoopCompletes() throws Exception {
    try (var server = SseTestServer.start(seen -> SseTestServer.Behaviour.normal().tokens(5, Duration.ofMillis(2)))) {
      LoadResult result = Load.openLoop(Endpoint.completions(server.baseUrl(), "m"), Arrivals.poisson(200).withSeed(7))
          .withWorkload(Bucket.of("A", 32, 5).withWeight(3), Bucket.of("B", 64, 5))
          .withBounds(new Bounds(Duration.ofSeconds(5), 30, Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();

      assertThat(result.errors()).isEmpty();
      assertThat(result.ledger().scheduled()).isEqualTo(30);
      assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(30);
      assertThat(result.ledger().balanced()).isTrue();
      assertThat(server.completions()).isEqualTo(30);
      for (RequestRecord r : result.records()) {
        assertThat(r.doneReceived()).isTrue();
        assertThat(r.tokensReceived()).isEqualTo(5);
        assertThat(r.usage().completionTokens()).isEqualTo(5);
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.gaps().count()).isEqualTo(4);
        assertThat(r.ttft()).isPresent();
        assertThat(r.e2e().orElseThrow()).isGreaterThanOrEqualTo(r.ttft().orElseThrow());
      }
      assertThat(result.histograms().ttftMicros().getTotalCount()).isEqualTo(30);
      assertThat(result.histograms().itlMicros().getTotalCount()).isEqualTo(30 * 4);
      assertThat(result.histograms("A").ttftMicros().getTotalCount()
          + result.histograms("B").ttftMicros().getTotalCount()).isEqualTo(30);
    }
  }
}
