package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.ClientPool;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.LatencyHistograms;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * The connection-pool trap of the reference run: OkHttp's default dispatcher sends 5 requests per host
 * at a time and queues the rest unseen. The bounds below come from the server's pacing (each stream
 * lasts at least 500 ms), not from how fast this machine is: at most 5 streams per 500 ms can start.
 */
class PoolTrapTest {
  private static final SseTestServer.Behaviour HALF_SECOND_STREAM =
      SseTestServer.Behaviour.normal().tokens(10, Duration.ofMillis(50));

  @Test
  @DisplayName("naive preset: the ledger shows the requests the client held back and dropped")
  void naivePresetRevealsTheTrap() throws Exception {
    try (var server = SseTestServer.start(seen -> HALF_SECOND_STREAM)) {
      LoadResult result = sixtyArrivals(server).withPool(ClientPool.naiveDefaults()).run();

      assertThat(result.ledger().balanced()).isTrue();
      assertThat(result.ledger().scheduled()).isEqualTo(60);
      // 60 arrivals in 1 s, each may wait 1 s in the client: by the last one's limit (1.98 s) each of the
      // 5 slots has served at most 4 streams of >= 500 ms, so at most 20 were sent and at least 40 dropped
      assertThat(result.ledger().count(Outcome.REJECTED)).isGreaterThanOrEqualTo(40);
      List<RequestRecord> rejected = result.records().stream().filter(r -> r.outcome() == Outcome.REJECTED).toList();
      assertThat(rejected).allSatisfy(r -> {
        assertThat(r.errorClass()).isEqualTo("ClientQueueTimeout");
        assertThat(r.actualStartNanos()).isEqualTo(-1);
        assertThat(r.errorDetail()).contains("in the client's queue");
      });
      assertThat(server.maxConcurrent()).isLessThanOrEqualTo(5);
      var dispatch = result.histograms().dispatchDelayMicros();
      assertThat(LatencyHistograms.percentile(dispatch, 100).orElseThrow()).isGreaterThan(Duration.ofMillis(500));
    }
  }

  @Test
  @DisplayName("pool sized from the load: the same arrivals all complete, more than 5 at once")
  void sizedPoolCompletesAll() throws Exception {
    try (var server = SseTestServer.start(seen -> HALF_SECOND_STREAM)) {
      LoadResult result = sixtyArrivals(server).withPool(ClientPool.sizedFromLoad()).run();

      assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(60);
      assertThat(result.ledger().balanced()).isTrue();
      assertThat(server.maxConcurrent()).isGreaterThan(5);
    }
  }

  @Test
  @DisplayName("a fixed in-flight cap refuses arrivals beyond it, and says so")
  void inFlightCapRejects() throws Exception {
    try (var server = SseTestServer.start(seen -> HALF_SECOND_STREAM)) {
      LoadResult result = Load.openLoop(Endpoint.completions(server.baseUrl(), "m"), Arrivals.constant(1000))
          .withWorkload(Bucket.of("A", 16, 10))
          .withBounds(new Bounds(Duration.ofSeconds(5), 10, Duration.ofSeconds(5)))
          .withPool(ClientPool.fixed(2))
          .withProgress(Progress.none())
          .run();

      // 10 arrivals within 10 ms, 2 slots held for at least 500 ms
      assertThat(result.ledger().count(Outcome.REJECTED)).isEqualTo(8);
      assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(2);
      assertThat(result.records()).filteredOn(r -> r.outcome() == Outcome.REJECTED)
          .allSatisfy(r -> assertThat(r.errorClass()).isEqualTo("InFlightCap"));
      assertThat(server.maxConcurrent()).isLessThanOrEqualTo(2);
    }
  }

  @Test
  @DisplayName("latency is measured from the intended start: time queued in the client is inside TTFT")
  void measuredFromIntendedStart() throws Exception {
    var stream = SseTestServer.Behaviour.normal().tokens(4, Duration.ofMillis(50));
    try (var server = SseTestServer.start(seen -> stream)) {
      LoadResult result = Load.openLoop(Endpoint.completions(server.baseUrl(), "m"), Arrivals.constant(1000))
          .withWorkload(Bucket.of("A", 16, 4))
          .withBounds(new Bounds(Duration.ofSeconds(5), 10, Duration.ofSeconds(10)))
          .withPool(ClientPool.naiveDefaults())
          .withProgress(Progress.none())
          .run();

      assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(10);
      // 10 arrivals in 10 ms, 5 slots, each held >= 200 ms: at least 5 waited >= 190 ms
      List<RequestRecord> queued = result.records().stream()
          .filter(r -> r.dispatchDelay().orElseThrow().compareTo(Duration.ofMillis(190)) >= 0).toList();
      assertThat(queued).hasSizeGreaterThanOrEqualTo(5);
      for (RequestRecord r : queued) {
        Duration fromActual = Duration.ofNanos(r.firstChunkNanos() - r.actualStartNanos());
        assertThat(r.ttft().orElseThrow()).isEqualTo(fromActual.plus(r.dispatchDelay().orElseThrow()));
      }
      assertThat(LatencyHistograms.percentile(result.histograms().ttftMicros(), 100).orElseThrow())
          .isGreaterThanOrEqualTo(Duration.ofMillis(240));
    }
  }

  private static LoadSpec sixtyArrivals(SseTestServer server) {
    return Load.openLoop(Endpoint.completions(server.baseUrl(), "m"), Arrivals.constant(60))
        .withWorkload(Bucket.of("A", 16, 10))
        .withBounds(new Bounds(Duration.ofSeconds(1), 60, Duration.ofSeconds(3)))
        .withProgress(Progress.none());
  }
}
