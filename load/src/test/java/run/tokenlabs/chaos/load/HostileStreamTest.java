package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.load.LoadFixtures.one;
import static run.tokenlabs.chaos.load.LoadFixtures.single;
import static run.tokenlabs.chaos.load.LoadFixtures.tiny;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * A server that streams without end or without measure cannot hold a request past its deadline nor
 * grow the client's memory past the per-event bound: each request ends, booked with what happened.
 */
class HostileStreamTest {
  private static final int MIB = 1 << 20;
  /** Long enough that a request which ends by this timeout did not end promptly. */
  private static final Duration GENEROUS = Duration.ofSeconds(30);
  private static final String TOKEN = "data: {\"choices\":[{\"index\":0,\"text\":\" tok\",\"finish_reason\":null}]}\n\n";

  @Test
  @DisplayName("64 data lines of 1 MiB in one event: a protocol error naming the 4 MiB bound, and the client stops reading")
  void eventOverTheDefaultBound() throws Exception {
    String mebibyteLine = "data: " + "x".repeat(MIB - 7) + "\n";
    try (var server = SseTestServer.streaming(sink -> {
      for (int i = 0; i < 64; i++) {
        sink.send(mebibyteLine);
      }
      sink.send("\n");
    })) {
      RequestRecord r = single(one(Endpoint.completions(server.baseUrl(), "m"), tiny(), GENEROUS));

      assertThat(r.outcome()).as("a protocol error, not a timeout: the request ended promptly").isEqualTo(Outcome.MALFORMED);
      assertThat(r.errorClass()).isEqualTo("SseEventTooLarge");
      assertThat(r.errorDetail()).contains("longer than " + Bounds.DEFAULT_MAX_EVENT_BYTES + " bytes",
          "Bounds.withMaxEventBytes");
      assertThat(server.rawStreamsFinished()).as("the client did not read the 64 MiB to the end").isZero();
    }
  }

  @Test
  @DisplayName("an endless run of data lines that never closes its event ends at the bound, not in memory exhaustion")
  void endlessEvent() throws Exception {
    String line = "data: " + "y".repeat(1000) + "\n";
    try (var server = SseTestServer.streaming(sink -> {
      while (true) {
        sink.send(line);
      }
    })) {
      RequestRecord r = single(one(Endpoint.completions(server.baseUrl(), "m"), tiny(), GENEROUS));

      assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED);
      assertThat(r.errorClass()).isEqualTo("SseEventTooLarge");
      assertThat(r.errorDetail()).contains(Bounds.DEFAULT_MAX_EVENT_BYTES + " bytes");
    }
  }

  @Test
  @DisplayName("the per-event bound is the load's: lowered, a 100 KiB event fails naming it; raised, a 6 MiB event passes")
  void boundComesFromTheLoad() throws Exception {
    StringBuilder big = new StringBuilder("data: {\"choices\":[{\"index\":0,\"text\":\"a\",\"finish_reason\":\"stop\"}],"
        + "\"pad\":[0\n");
    String numbers = "data: " + ",1".repeat(MIB) + "\n";
    for (int i = 0; i < 3; i++) {
      big.append(numbers);
    }
    big.append("data: ]}\n\n");
    String usage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":16,\"completion_tokens\":1,\"total_tokens\":17}}\n\n";
    String body = big + usage + "data: [DONE]\n\n";
    try (var server = SseTestServer.streaming(sink -> sink.send(body))) {
      Endpoint endpoint = Endpoint.completions(server.baseUrl(), "m");

      RequestRecord lowered = single(oneWith(endpoint, bounds().withMaxEventBytes(100 << 10)));
      RequestRecord atDefault = single(oneWith(endpoint, bounds()));
      RequestRecord raised = single(oneWith(endpoint, bounds().withMaxEventBytes(8L * MIB)));

      assertThat(lowered.outcome()).isEqualTo(Outcome.MALFORMED);
      assertThat(lowered.errorDetail()).contains("longer than " + (100 << 10) + " bytes");
      assertThat(atDefault.errorClass()).isEqualTo("SseEventTooLarge");
      assertThat(raised.outcome()).isEqualTo(Outcome.COMPLETE);
      assertThat(raised.tokensReceived()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("an endless stream of token events ends at the request's deadline as a timeout, not at the run's hard stop")
  void endlessTokens() throws Exception {
    try (var server = SseTestServer.streaming(sink -> {
      while (true) {
        sink.send(TOKEN);
      }
    })) {
      LoadResult result = one(Endpoint.completions(server.baseUrl(), "m"), tiny(), Duration.ofMillis(500));
      RequestRecord r = single(result);

      assertEndedAtItsDeadline(result, r, Duration.ofMillis(500));
      assertThat(r.chunks()).as("the server was streaming until then").isPositive();
    }
  }

  @Test
  @DisplayName("an endless stream of keep-alives (never an event) ends at the request's deadline as a timeout")
  void endlessKeepAlives() throws Exception {
    try (var server = SseTestServer.streaming(sink -> {
      while (true) {
        sink.send(": keep-alive\n\n");
      }
    })) {
      LoadResult result = one(Endpoint.completions(server.baseUrl(), "m"), tiny(), Duration.ofMillis(500));
      RequestRecord r = single(result);

      assertEndedAtItsDeadline(result, r, Duration.ofMillis(500));
      assertThat(r.chunks()).isZero();
    }
  }

  /** TIMEOUT through the request's own deadline: reached, and concluded there, not swept up by the hard stop. */
  private static void assertEndedAtItsDeadline(LoadResult result, RequestRecord r, Duration timeout) {
    assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(r.errorClass()).as("not concluded by the run's hard stop").isNotEqualTo("HardStop");
    assertThat(result.errors()).isEmpty();
    assertThat(r.errorDetail()).contains("request timeout reached");
    assertThat(r.endNanos() - r.intendedStartNanos()).isGreaterThanOrEqualTo(timeout.toNanos());
  }

  private static Bounds bounds() {
    return new Bounds(Duration.ofSeconds(30), 1, GENEROUS);
  }

  private static LoadResult oneWith(Endpoint endpoint, Bounds bounds) {
    return Load.closedLoop(endpoint, 1).withWorkload(tiny()).withBounds(bounds).withProgress(Progress.none()).run();
  }
}
