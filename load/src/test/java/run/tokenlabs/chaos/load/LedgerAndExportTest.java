package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.Secret;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.Slo;
import run.tokenlabs.chaos.load.api.TruncationSignal;

class LedgerAndExportTest {
  private static final String TOKEN = "sk-do-not-print-me";

  /** Request n: n % 5 == 0 answers 500, == 1 is cut after 2 tokens, == 2 ends without [DONE]; the rest are fine. */
  private static SseTestServer.Behaviour mixed(SseTestServer.Seen seen) {
    var normal = SseTestServer.Behaviour.normal().tokens(4, Duration.ofMillis(1));
    return switch ((int) (seen.requestNumber() % 5)) {
      case 0 -> normal.status(500);
      case 1 -> normal.cutAfter(2);
      case 2 -> normal.noDone();
      default -> normal;
    };
  }

  @Test
  @DisplayName("every request lands in exactly one class and the classes add up to the scheduled count")
  void ledgerAccountsForEveryRequest(@TempDir Path dir) throws Exception {
    try (var server = SseTestServer.start(LedgerAndExportTest::mixed)) {
      LoadResult result = Load.closedLoop(Endpoint.completions(server.baseUrl(), "m").withBearerToken(Secret.of(TOKEN)), 3)
          .withWorkload(Bucket.of("A", 16, 4))
          .withBounds(new Bounds(Duration.ofSeconds(20), 25, Duration.ofSeconds(10)))
          .withSlo(Slo.of(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();

      var ledger = result.ledger();
      assertThat(ledger.scheduled()).isEqualTo(25);
      assertThat(ledger.count(Outcome.HTTP_ERROR)).isEqualTo(5);
      assertThat(ledger.byHttpStatus()).containsEntry(500, 5L);
      assertThat(ledger.count(Outcome.TRUNCATED)).isEqualTo(10);
      assertThat(ledger.byTruncationSignal()).containsEntry(TruncationSignal.CONNECTION_CUT, 5L)
          .containsEntry(TruncationSignal.NO_DONE, 10L);
      assertThat(ledger.count(Outcome.COMPLETE)).isEqualTo(10);
      assertThat(ledger.balanced()).isTrue();
      assertThat(result.errors()).isEmpty();
      assertThat(result.goodput().orElseThrow().met()).isEqualTo(10);
      assertThat(server.maxConcurrent()).isLessThanOrEqualTo(3);

      JsonNode json = new ObjectMapper().readTree(result.toJson(true));
      assertThat(json.at("/ledger/outcomes/complete").asLong()).isEqualTo(10);
      assertThat(json.at("/ledger/unaccounted").asLong()).isZero();
      assertThat(json.at("/spec/endpoint/bearerToken").asText()).isEqualTo("****");
      assertThat(json.at("/requests").size()).isEqualTo(25);
      assertThat(json.at("/latencyMillis/A/ttft/count").asLong()).isEqualTo(10);
      assertThat(result.toJson(true) + result.spec() + result).doesNotContain(TOKEN);

      Path log = dir.resolve("load.hlog");
      result.writeHistogramLog(log);
      assertThat(ttftCount(log)).isEqualTo(10);
    }
  }

  @Test
  void unmetSloGivesNoGoodput() throws Exception {
    try (var server = SseTestServer.start(seen -> SseTestServer.Behaviour.normal().tokens(3, Duration.ofMillis(5)))) {
      LoadResult result = Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), 2)
          .withWorkload(Bucket.of("A", 16, 3))
          .withBounds(new Bounds(Duration.ofSeconds(20), 4, Duration.ofSeconds(10)))
          .withSlo(Slo.of(Duration.ofNanos(1000), Duration.ofSeconds(1), Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();

      assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(4);
      assertThat(result.goodput().orElseThrow().met()).isZero();
    }
  }

  @Test
  @DisplayName("the request on the wire: streamed body with usage, ignore_eos, max_tokens, a numbered prompt, bearer token")
  void requestShape() throws Exception {
    try (var server = new MockWebServer()) {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      server.enqueue(new MockResponse.Builder().code(404).build());
      server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
          .body("data: {\"choices\":[{\"text\":\"a\",\"finish_reason\":\"stop\"}]}\n\ndata: {\"choices\":[],\"usage\":"
              + "{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}\n\ndata: [DONE]\n\n").build());
      var endpoint = Endpoint.chat("http://127.0.0.1:" + server.getPort(), "deepseek").withIgnoreEos(true)
          .withBearerToken(Secret.of(TOKEN));

      LoadResult result = LoadFixtures.one(endpoint, Bucket.of("A", 20, 7), Duration.ofSeconds(10));

      RecordedRequest tokenize = server.takeRequest();
      assertThat(tokenize.getTarget()).isEqualTo("/tokenize");
      RecordedRequest completion = server.takeRequest();
      assertThat(completion.getTarget()).isEqualTo("/v1/chat/completions");
      assertThat(completion.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
      JsonNode body = new ObjectMapper().readTree(completion.getBody().utf8());
      assertThat(body.get("model").asText()).isEqualTo("deepseek");
      assertThat(body.get("stream").asBoolean()).isTrue();
      assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
      assertThat(body.get("max_tokens").asInt()).isEqualTo(7);
      assertThat(body.get("ignore_eos").asBoolean()).isTrue();
      assertThat(body.at("/messages/0/content").asText()).matches("Request 00000000\\. \\d{4} .*");
      assertThat(result.prompts().get(0).exact()).isFalse();
      assertThat(result.records().get(0).outcome()).isEqualTo(Outcome.COMPLETE);
    }
  }

  private static long ttftCount(Path log) throws IOException {
    long count = 0;
    try (var reader = new HistogramLogReader(Files.newInputStream(log))) {
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        if ("A.ttft".equals(h.getTag())) {
          count += ((org.HdrHistogram.Histogram) h).getTotalCount();
        }
      }
    }
    return count;
  }
}
