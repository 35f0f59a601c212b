package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.load.LoadFixtures.single;
import static run.tokenlabs.chaos.load.LoadFixtures.tiny;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Goodput;
import run.tokenlabs.chaos.load.api.InterChunkGaps;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.Slo;
import run.tokenlabs.chaos.load.api.TokenCount;
import run.tokenlabs.chaos.load.api.TruncationSignal;
import run.tokenlabs.chaos.load.api.Usage;

/**
 * Load records say how their tokens were counted, keep the server's error text, and TTFT is kept for
 * every request that produced a first chunk, by outcome: through the whole client against a mock server.
 */
class TokenCountingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIFTY = "fifty characters of answer text in a single chunk.";
  private MockWebServer server;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @DisplayName("Usage off, 50-character chunks: the record and the JSON say CHUNKS, and no TPOT is claimed")
  void chunksCountedWithoutUsage() throws IOException {
    assertThat(FIFTY).hasSize(50);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      body.append(tok(FIFTY, null));
    }
    body.append(tok(FIFTY, "stop")).append(done());

    LoadResult result = run(endpoint().withIncludeUsage(false), sse(body.toString()), 1);
    RequestRecord r = single(result);

    assertThat(r.outcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(r.tokenCount()).isEqualTo(TokenCount.CHUNKS);
    assertThat(r.outputTokens()).isEqualTo(13);
    assertThat(r.tpot()).as("a chunk interval is not a time per token").isEmpty();
    assertThat(r.chunkInterval()).isPresent();
    assertThat(r.multiTokenChunksAtLeast()).isEqualTo(-1);
    assertThat(r.multiTokenChunks()).isEmpty();
    JsonNode json = JSON.readTree(result.toJson(true));
    JsonNode request = json.at("/requests/0");
    assertThat(request.get("tokenCount").asText()).isEqualTo("CHUNKS");
    assertThat(request.get("outputTokens").asInt()).isEqualTo(13);
    assertThat(request.get("tpotMicros").isNull()).isTrue();
    assertThat(request.get("chunkIntervalMicros").isNumber()).isTrue();
    assertThat(request.at("/multiTokenChunks/atLeast").isNull()).isTrue();
    assertThat(request.at("/multiTokenChunks/exactly").isNull()).isTrue();
    assertThat(json.at("/latencyMillis/all/tpot/count").asLong()).isZero();
    assertThat(json.at("/latencyMillis/all/chunkInterval/count").asLong()).isEqualTo(1);
  }

  @Test
  @DisplayName("Usage off against a server with /tokenize: the text is counted by the server's tokenizer (TOKENIZER)")
  void tokenizerCountsWithoutUsage() throws IOException {
    String chunk = "fifty characters of answer text, in one big chunk "; // 50 characters, 9 words
    assertThat(chunk).hasSize(50);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      body.append(tok(chunk, null));
    }
    body.append(tok(chunk, "stop")).append(done());
    try (SseTestServer tokenizing = SseTestServer.streaming(sink -> sink.send(body.toString()))) {
      Endpoint endpoint = Endpoint.completions(tokenizing.baseUrl(), "m").withIncludeUsage(false);
      int before = tokenizing.tokenizeCalls();

      LoadResult result = Load.closedLoop(endpoint, 1).withWorkload(tiny())
          .withBounds(new Bounds(Duration.ofSeconds(30), 2, Duration.ofSeconds(10))).withProgress(Progress.none())
          .run();

      assertThat(result.records()).hasSize(2).allSatisfy(r -> {
        assertThat(r.outcome()).isEqualTo(Outcome.COMPLETE);
        assertThat(r.tokenCount()).isEqualTo(TokenCount.TOKENIZER);
        assertThat(r.tokensReceived()).isEqualTo(13);
        assertThat(r.outputTokens()).as("9 words a chunk, one token a word for this server").isEqualTo(13 * 9);
        assertThat(r.multiTokenChunksAtLeast()).isEqualTo(1);
        assertThat(r.multiTokenChunksAtMost()).isEqualTo(13);
        assertThat(r.tpot()).isPresent();
      });
      assertThat(tokenizing.tokenizeCalls() - before).as("one count per stream, after the prompts were built")
          .isEqualTo(result.prompts().get(0).tokenizeCalls() + 2);
      assertThat(JSON.readTree(result.toJson(true)).at("/requests/0/tokenCount").asText()).isEqualTo("TOKENIZER");
    }
  }

  @Test
  @DisplayName("Goodput judges a chunk-counted request's TPOT objective on its chunk interval, an upper bound")
  void goodputOfChunkCountedRequests() {
    Slo slo = Slo.of(Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofSeconds(5));
    // three text chunks 100 ms apart: 100 ms per chunk; the server says 30 tokens: about 7 ms per token
    RequestRecord byChunks = record(null);
    RequestRecord byUsage = record(new Usage(16, 30, 46));

    assertThat(byChunks.tpot()).isEmpty();
    assertThat(byChunks.chunkInterval()).hasValue(Duration.ofMillis(100));
    assertThat(Goodput.meets(slo, byChunks)).as("100 ms per chunk may be 100 ms per token").isFalse();
    assertThat(byUsage.tpot()).hasValue(Duration.ofNanos(200_000_000L / 29));
    assertThat(Goodput.meets(slo, byUsage)).isTrue();
  }

  private static RequestRecord record(Usage usage) {
    return new RequestRecord(1, "T", 64, false, 0, 0, 1_000_000, 10_000_000, 10_000_000, 210_000_000, 220_000_000,
        InterChunkGaps.of(new int[] {100_000, 100_000}, 2), 3, 3, "length", usage, true, 200, Outcome.COMPLETE,
        java.util.Set.of(), null, null);
  }

  @Test
  @DisplayName("Usage over multi-token chunks: USAGE, and the multi-token chunks bounded from usage and chunks")
  void usageWithMultiTokenChunks() throws IOException {
    // 7 tokens in 3 text chunks: 4 extra tokens in at least 1 and at most 3 chunks
    LoadResult result = run(endpoint(), sse(tok("one two", null) + tok("three four five", null)
        + tok("six seven", "stop") + usage(7) + done()), 1);
    RequestRecord r = single(result);

    assertThat(r.tokenCount()).isEqualTo(TokenCount.USAGE);
    assertThat(r.outputTokens()).isEqualTo(7);
    assertThat(r.multiTokenChunksAtLeast()).isEqualTo(1);
    assertThat(r.multiTokenChunksAtMost()).isEqualTo(3);
    assertThat(r.multiTokenChunks()).as("the split is not in the stream").isEmpty();
    assertThat(r.tpot()).isPresent();
    JsonNode request = JSON.readTree(result.toJson(true)).at("/requests/0");
    assertThat(request.get("tokenCount").asText()).isEqualTo("USAGE");
    assertThat(request.at("/multiTokenChunks/atLeast").asInt()).isEqualTo(1);
    assertThat(request.at("/multiTokenChunks/atMost").asInt()).isEqualTo(3);
  }

  @Test
  @DisplayName("Usage one above the text chunks: exactly one chunk carried two tokens; equal: none did")
  void exactMultiTokenChunks() {
    RequestRecord oneExtra = single(run(endpoint(), sse(tok("a", null) + tok("b c", null) + tok("d", "length")
        + usage(4) + done()), 1));
    RequestRecord noneExtra = single(run(endpoint(), sse(tok("a", null) + tok("b", "stop") + usage(2) + done()), 1));

    assertThat(oneExtra.multiTokenChunks()).hasValue(1);
    assertThat(noneExtra.multiTokenChunks()).hasValue(0);
    assertThat(noneExtra.outcome()).isEqualTo(Outcome.COMPLETE);
  }

  @Test
  @DisplayName("A stop whose end-of-sequence token comes in a chunk without text is not a multi-token chunk")
  void endOfSequenceChunkIsNotExtra() {
    RequestRecord r = single(run(endpoint(), sse(tok("a", null) + tok("b", null) + tok("", "stop") + usage(3)
        + done()), 1));

    assertThat(r.outcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(r.multiTokenChunks()).hasValue(0);
  }

  @Test
  @DisplayName("An error event inside a 200 stream keeps the server's message in the record and the JSON")
  void errorEventTextKept() throws IOException {
    LoadResult result = run(endpoint(), sse(tok("a", null) + "data: {\"error\":{\"message\":\"CUDA out of memory "
        + "while decoding\",\"type\":\"InternalServerError\",\"code\":500}}\n\n" + done()), 1);
    RequestRecord r = single(result);

    assertThat(r.outcome()).isEqualTo(Outcome.TRUNCATED);
    assertThat(r.truncation()).contains(TruncationSignal.ERROR_EVENT);
    assertThat(r.errorClass()).isEqualTo("ErrorEvent");
    assertThat(r.errorDetail()).isEqualTo("error event: CUDA out of memory while decoding");
    assertThat(JSON.readTree(result.toJson(true)).at("/requests/0/errorDetail").asText())
        .isEqualTo("error event: CUDA out of memory while decoding");
  }

  @Test
  @DisplayName("A very long error message is kept up to its bound, and says it was cut")
  void longErrorTextBounded() {
    String message = "x".repeat(5_000);
    RequestRecord r = single(run(endpoint(), sse(tok("a", null) + "data: {\"error\":{\"message\":\"" + message
        + "\"}}\n\n" + done()), 1));

    assertThat(r.errorDetail()).startsWith("error event: " + "x".repeat(RequestRecord.MAX_ERROR_TEXT) + "... ")
        .endsWith("(5000 characters, cut)");
  }

  @Test
  @DisplayName("A server that never sends usage: no request is COMPLETE, yet TTFT is kept per outcome")
  void ttftByOutcomeWithoutUsage() throws IOException {
    LoadResult result = run(endpoint(), sse(tok("a", null) + tok("b", "stop") + done()), 3);

    assertThat(result.ledger().count(Outcome.TRUNCATED)).isEqualTo(3);
    assertThat(result.histograms().ttftMicros().getTotalCount()).as("COMPLETE only, as before").isZero();
    assertThat(result.histograms().ttftMicros(Outcome.TRUNCATED).getTotalCount()).isEqualTo(3);
    assertThat(result.histograms().ttftMicros(Outcome.COMPLETE).getTotalCount()).isZero();
    assertThat(result.histograms("T").ttftMicros(Outcome.TRUNCATED).getTotalCount()).isEqualTo(3);
    JsonNode byOutcome = JSON.readTree(result.toJson(false)).at("/latencyMillis/all/ttftByOutcome");
    assertThat(byOutcome.at("/TRUNCATED/count").asLong()).isEqualTo(3);
    assertThat(byOutcome.at("/TRUNCATED/p50").isNumber()).isTrue();
    assertThat(byOutcome.has("COMPLETE")).isFalse();
  }

  @Test
  @DisplayName("An HTTP error has no first chunk: it stays out of TTFT by outcome, its body is kept")
  void httpErrorHasNoTtft() {
    LoadResult result = run(endpoint(), new MockResponse.Builder().code(503)
        .body("{\"error\":{\"message\":\"no healthy upstream\"}}").build(), 1);

    assertThat(single(result).errorDetail()).contains("no healthy upstream");
    assertThat(result.histograms().ttftMicros(Outcome.HTTP_ERROR).getTotalCount()).isZero();
  }

  private Endpoint endpoint() {
    return Endpoint.completions("http://127.0.0.1:" + server.getPort(), "m");
  }

  private LoadResult run(Endpoint endpoint, MockResponse response, int requests) {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return request.getTarget().equals("/tokenize") ? new MockResponse.Builder().code(404).build() : response;
      }
    });
    return Load.closedLoop(endpoint, 1)
        .withWorkload(tiny())
        .withBounds(new Bounds(Duration.ofSeconds(30), requests, Duration.ofSeconds(10)))
        .withProgress(Progress.none())
        .run();
  }

  private static MockResponse sse(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream").body(body).build();
  }

  private static String tok(String text, String finish) {
    return "data: {\"id\":\"c\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"" + text
        + "\",\"logprobs\":null,\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n";
  }

  private static String usage(int completion) {
    return "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":16,\"completion_tokens\":" + completion
        + ",\"total_tokens\":" + (16 + completion) + "}}\n\n";
  }

  private static String done() {
    return "data: [DONE]\n\n";
  }
}
