package run.tokenlabs.chaos.engine.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.engine.api.load.Arrivals;
import run.tokenlabs.chaos.engine.api.load.Bounds;
import run.tokenlabs.chaos.engine.api.load.Bucket;
import run.tokenlabs.chaos.engine.api.load.Endpoint;
import run.tokenlabs.chaos.engine.api.load.Load;
import run.tokenlabs.chaos.engine.api.load.LoadResult;
import run.tokenlabs.chaos.engine.api.load.Outcome;
import run.tokenlabs.chaos.engine.api.load.Progress;
import run.tokenlabs.chaos.engine.api.load.RequestRecord;

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
