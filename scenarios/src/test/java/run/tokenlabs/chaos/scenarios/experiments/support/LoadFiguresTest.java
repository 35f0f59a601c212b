package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.InterChunkGaps;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;

/** The load experiments' figures from a load result, without a lab. */
class LoadFiguresTest {
  private final LoadSpec spec = Load.closedLoop(Endpoint.completions("http://127.0.0.1:9", "m"), 2)
      .withWorkload(Bucket.of("C", 16, 4)).withBounds(new Bounds(Duration.ofSeconds(1), 3, Duration.ofSeconds(1)));

  @Test
  @DisplayName("a ledger with a request missing fails the experiment as lost")
  void lostRequestFails() {
    LoadResult result = new LoadResult(spec, 0, Instant.now(), Duration.ofSeconds(1), 3,
        List.of(record(0, 200, Outcome.COMPLETE), record(1, 200, Outcome.COMPLETE)), List.of(), List.of());

    assertThatThrownBy(() -> LoadFigures.assertNothingLost(result, "pressure")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("pressure").hasMessageContaining("Ledger gap");
  }

  @Test
  @DisplayName("every request booked, whatever its outcome, is nothing lost; 5xx are counted apart from 4xx")
  void classifiedIsNotLost() {
    LoadResult result = new LoadResult(spec, 0, Instant.now(), Duration.ofSeconds(1), 3,
        List.of(record(0, 200, Outcome.COMPLETE), record(1, 503, Outcome.HTTP_ERROR), record(2, 400,
            Outcome.HTTP_ERROR)), List.of(), List.of());

    LoadFigures.assertNothingLost(result, "pressure");
    assertThat(LoadFigures.serverErrors(result)).isEqualTo(1);
    assertThat(LoadFigures.complete(result, "C")).isEqualTo(1);
    assertThat(LoadFigures.table(result, new GpuClock(0.01, "test"))).contains("HTTP statuses of failed requests: "
        + "{400=1, 503=1}");
  }

  @Test
  @DisplayName("TTFT in GPU seconds: lab wall time divided by the time scale")
  void gpuSeconds() {
    LoadResult result = new LoadResult(spec, 0, Instant.now(), Duration.ofSeconds(1), 1,
        List.of(record(0, 200, Outcome.COMPLETE)), List.of(), List.of());

    assertThat(LoadFigures.ttftSeconds(result, "C", new GpuClock(0.01, "test"))).containsExactly(5.0);
    assertThat(LoadFigures.ttftSeconds(result, "C", new GpuClock(0.01, "test").slowedBy(4))).containsExactly(1.25);
  }

  /** A request whose first chunk came 50 ms after its intended start (when it completed). */
  private RequestRecord record(long id, int status, Outcome outcome) {
    boolean ok = outcome == Outcome.COMPLETE;
    long first = ok ? 50_000_000L : -1;
    return new RequestRecord(id, "C", 4, false, 0, 0, 1_000_000, first, first, ok ? 80_000_000L : -1, 90_000_000L,
        InterChunkGaps.of(new int[0], 0), ok ? 4 : 0, ok ? 4 : 0, ok ? "length" : null, null, ok, status, outcome,
        Set.of(), ok ? null : "HTTP " + status, null);
  }
}
