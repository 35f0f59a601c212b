package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.RequestTrace;

/** Trace replay through the whole client: each request at its offset, with its own lengths; bounded. */
class ReplayTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eachRequestIsSentAtItsScaledOffsetWithItsLengths() throws Exception {
    RequestTrace trace = RequestTrace.read(trace()).withTimeScale(0.5);
    List<JsonNode> bodies = new CopyOnWriteArrayList<>();

    LoadResult result = replay(trace, Bounds.of(Duration.ofSeconds(20), 100), bodies);

    assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(5);
    List<RequestRecord> records = result.records().stream()
        .sorted(Comparator.comparingLong(RequestRecord::intendedStartNanos)).toList();
    // intended starts are the trace's offsets, halved (open loop: from the schedule, not from when sent)
    assertThat(records).extracting(RequestRecord::intendedStartNanos)
        .containsExactly(0L, 50_000_000L, 50_250_000L, 125_000_000L, 200_000_000L);
    assertThat(records).extracting(RequestRecord::bucket).containsOnly(Load.TRACE_BUCKET);
    assertThat(records).extracting(RequestRecord::maxTokens).containsExactlyInAnyOrder(3, 5, 2, 4, 6);
    // the server counts a word a token: each prompt has the trace's input length, give or take its first line
    for (JsonNode body : bodies) {
      int max = body.get("max_tokens").asInt();
      int expected = switch (max) {
        case 3, 6 -> 40;
        case 5 -> 80;
        case 2 -> 20;
        default -> 160;
      };
      assertThat(body.get("prompt").asText().split(" ").length).isBetween(expected - 3, expected + 3);
    }
  }

  @Test
  void theBoundsCutTheTraceShort() throws Exception {
    LoadResult byCount = replay(RequestTrace.read(trace()), Bounds.of(Duration.ofSeconds(20), 3), null);
    assertThat(byCount.ledger().scheduled()).isEqualTo(3);

    // offsets 0, 100, 100.5 ms are inside 200 ms; 250 and 400 are not
    LoadResult byTime = replay(RequestTrace.read(trace()), Bounds.of(Duration.ofMillis(200), 100), null);
    assertThat(byTime.ledger().scheduled()).isEqualTo(3);
    assertThat(byTime.ledger().count(Outcome.COMPLETE)).isEqualTo(3);
  }

  private static LoadResult replay(RequestTrace trace, Bounds bounds, List<JsonNode> bodies) throws IOException {
    try (var sse = SseTestServer.start(seen -> SseTestServer.Behaviour.normal()).recordingBodies(b -> {
      if (bodies != null) {
        try {
          bodies.add(JSON.readTree(b));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    })) {
      return Load.replay(Endpoint.completions(sse.baseUrl(), "m").withIgnoreEos(true), trace)
          .withBounds(bounds.withRequestTimeout(Duration.ofSeconds(10))).withProgress(Progress.none()).run();
    }
  }

  private static Path trace() throws Exception {
    return Path.of(ReplayTest.class.getResource("/traces/small-trace.csv").toURI());
  }
}
