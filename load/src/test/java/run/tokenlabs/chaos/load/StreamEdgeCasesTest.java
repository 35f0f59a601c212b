package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.load.LoadFixtures.one;
import static run.tokenlabs.chaos.load.LoadFixtures.single;
import static run.tokenlabs.chaos.load.LoadFixtures.tiny;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.TruncationSignal;
import run.tokenlabs.chaos.load.api.Bucket;

/** Every SSE edge case through the whole client: OkHttp, SSE reader, chunk decoder, classifier, ledger. */
class StreamEdgeCasesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
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
  @DisplayName("comments and keep-alives between events do not disturb a complete stream")
  void keepAlives() {
    RequestRecord r = run(sse(": ping\n\n" + tok("a", null) + ":keep-alive\n\n" + tok("b", null) + ": x\n\n"
        + tok("c", "stop") + usage(3) + done()));

    assertThat(r.outcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(r.tokensReceived()).isEqualTo(3);
    assertThat(r.chunks()).isEqualTo(3);
  }

  @Test
  @DisplayName("events split across many small network reads are reassembled")
  void splitAcrossReads() {
    var response = sseBuilder(tok("alpha", null) + tok("beta", null) + tok("gamma", "stop") + usage(3) + done())
        .throttleBody(7, 1, TimeUnit.MILLISECONDS).build();

    RequestRecord r = run(response);

    assertThat(r.outcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(r.tokensReceived()).isEqualTo(3);
    assertThat(r.gaps().count()).isEqualTo(2);
  }

  @Test
  @DisplayName("JSON spread over several data: lines of one event is one chunk")
  void multiLineData() {
    String split = "data: {\"choices\":[{\"index\":0,\ndata: \"text\":\"a\",\"finish_reason\":\"stop\"}]}\n\n";

    RequestRecord r = run(sse(tok("x", null) + split + usage(2) + done()));

    assertThat(r.outcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(r.tokensReceived()).isEqualTo(2);
    assertThat(r.finishReason()).isEqualTo("stop");
  }

  @Test
  @DisplayName("choices: null is not a chunk; choices: [] with usage is the usage chunk, not a token")
  void choicesNullVersusEmpty() {
    RequestRecord r = run(sse("data: {\"choices\":null}\n\n" + tok("a", null) + tok("b", "stop")
        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":16,\"completion_tokens\":2,\"total_tokens\":18}}\n\n" + done()));

    assertThat(r.outcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(r.chunks()).isEqualTo(2);
    assertThat(r.usage().promptTokens()).isEqualTo(16);
    assertThat(r.usage().completionTokens()).isEqualTo(2);
  }

  @Test
  @DisplayName("the end-of-sequence token may arrive as an empty final chunk on stop")
  void silentEosToken() {
    RequestRecord r = run(sse(tok("a", null) + tok("b", null) + tok("", "stop") + usage(3) + done()));

    assertThat(r.outcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(r.tokensReceived()).isEqualTo(2);
  }

  @Test
  void missingUsageChunk() {
    assertThat(signals(sse(tok("a", null) + tok("b", "stop") + done()))).containsExactly(TruncationSignal.NO_USAGE);
  }

  @Test
  void missingDone() {
    RequestRecord r = run(sse(tok("a", null) + tok("b", "stop") + usage(2)));

    assertThat(r.outcome()).isEqualTo(Outcome.TRUNCATED);
    assertThat(r.truncation()).containsExactly(TruncationSignal.NO_DONE);
    assertThat(r.doneReceived()).isFalse();
  }

  @Test
  void noFinishReason() {
    assertThat(signals(sse(tok("a", null) + tok("b", null) + usage(2) + done())))
        .containsExactly(TruncationSignal.NO_FINISH_REASON);
  }

  @Test
  @DisplayName("finish_reason length below max_tokens is truncation, at max_tokens it is not")
  void lengthBelowMaxTokens() {
    assertThat(signals(sse(tok("a", null) + tok("b", "length") + usage(2) + done())))
        .containsExactly(TruncationSignal.LENGTH_BELOW_MAX_TOKENS);

    var full = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      full.append(tok("t", i == 7 ? "length" : null));
    }
    assertThat(run(sse(full + usage(8) + done())).outcome()).isEqualTo(Outcome.COMPLETE);
  }

  @Test
  void tokensReceivedDifferFromUsage() {
    assertThat(signals(sse(tok("a", null) + tok("b", "stop") + usage(5) + done())))
        .containsExactly(TruncationSignal.TOKEN_COUNT_MISMATCH);
  }

  @Test
  void abortAndErrorEvent() {
    assertThat(signals(sse(tok("a", "abort") + usage(1) + done()))).containsExactly(TruncationSignal.ABORTED_BY_SERVER);
    assertThat(signals(sse(tok("a", null) + "data: {\"error\":{\"message\":\"boom\",\"code\":500}}\n\n")))
        .contains(TruncationSignal.ERROR_EVENT, TruncationSignal.NO_DONE, TruncationSignal.NO_FINISH_REASON);
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 500, 503})
  void httpErrors(int status) {
    RequestRecord r = run(new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json")
        .body("{\"object\":\"error\",\"message\":\"server says " + status + "\"}").build());

    assertThat(r.outcome()).isEqualTo(Outcome.HTTP_ERROR);
    assertThat(r.httpStatus()).isEqualTo(status);
    assertThat(r.errorDetail()).contains("server says " + status);
  }

  @Test
  @DisplayName("a 200 body that is JSON, not SSE, is malformed")
  void notSse() {
    RequestRecord r = run(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"choices\":[{\"text\":\"whole answer\",\"finish_reason\":\"stop\"}]}").build());

    assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(r.errorDetail()).contains("application/json");
  }

  @Test
  void dataThatIsNotJsonIsMalformed() {
    RequestRecord r = run(sse(tok("a", null) + "data: <html>gateway error</html>\n\n" + done()));

    assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(r.errorDetail()).contains("<html>");
  }

  @Test
  @DisplayName("slow headers within the timeout: complete, and TTFT includes the wait")
  void slowHeaders() {
    var response = sseBuilder(tok("a", "stop") + usage(1) + done()).headersDelay(300, TimeUnit.MILLISECONDS).build();

    RequestRecord r = run(response);

    assertThat(r.outcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(r.ttft().orElseThrow()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  @DisplayName("an early close of the connection mid-stream is a truncation by connection cut")
  void earlyClose() throws Exception {
    try (var sse = SseTestServer.start(seen -> SseTestServer.Behaviour.normal().cutAfter(3))) {
      RequestRecord r = single(one(Endpoint.completions(sse.baseUrl(), "m"), tiny(), TIMEOUT));

      assertThat(r.outcome()).isEqualTo(Outcome.TRUNCATED);
      assertThat(r.truncation()).contains(TruncationSignal.CONNECTION_CUT, TruncationSignal.NO_DONE,
          TruncationSignal.NO_FINISH_REASON, TruncationSignal.NO_USAGE);
      assertThat(r.tokensReceived()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("a broken chunk header mid-stream cuts the stream there, for a slow reader as for a fast one")
  void brokenChunkHeader() throws Exception {
    String good = tok("a", null) + tok("b", null);
    String after = tok("c", "stop") + usage(3) + done();
    String body = Integer.toHexString(good.length()) + "\r\n" + good + "\r\n" + "zz\r\n"
        + Integer.toHexString(after.length()) + "\r\n" + after + "\r\n0\r\n\r\n";
    try (var raw = new java.net.ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      var serving = new Thread(() -> serveRaw(raw, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
          + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body));
      serving.setDaemon(true);
      serving.start();
      for (Bucket bucket : List.of(tiny(), tiny().withSlowReader(Duration.ofMillis(40)))) {
        RequestRecord r = single(one(Endpoint.completions("http://127.0.0.1:" + raw.getLocalPort(), "m"), bucket, TIMEOUT));

        assertThat(r.outcome()).as("%s", bucket).isEqualTo(Outcome.TRUNCATED);
        assertThat(r.truncation()).as("%s", bucket).contains(TruncationSignal.CONNECTION_CUT);
        assertThat(r.tokensReceived()).as("only the tokens before the broken chunk, %s", bucket).isEqualTo(2);
      }
    }
  }

  /** Answers every request on {@code server} with {@code response} (a 404 to /tokenize), then closes the connection. */
  private static void serveRaw(java.net.ServerSocket server, String response) {
    while (!server.isClosed()) {
      try (var socket = server.accept()) {
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
            java.nio.charset.StandardCharsets.ISO_8859_1));
        String requestLine = in.readLine();
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        in.skip(length);
        String answer = requestLine != null && requestLine.contains("/tokenize")
            ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" : response;
        socket.getOutputStream().write(answer.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        socket.shutdownOutput();
        in.read(); // until the client closes: its reads end at our close, not at a reset
      } catch (java.io.IOException e) {
        return;
      }
    }
  }

  @Test
  @DisplayName("a clean end of stream without [DONE] and usage is a truncation, not a cut")
  void cleanEndWithoutDone() throws Exception {
    try (var sse = SseTestServer.start(seen -> SseTestServer.Behaviour.normal().noDone().noUsage())) {
      RequestRecord r = single(one(Endpoint.completions(sse.baseUrl(), "m"), tiny(), TIMEOUT));

      assertThat(r.truncation()).containsExactlyInAnyOrder(TruncationSignal.NO_DONE, TruncationSignal.NO_USAGE);
    }
  }

  @Test
  @DisplayName("a stream that stalls is cancelled at the request timeout and counted as a timeout")
  void stall() throws Exception {
    try (var sse = SseTestServer.start(seen -> SseTestServer.Behaviour.normal().stallAfter(2))) {
      RequestRecord r = single(one(Endpoint.completions(sse.baseUrl(), "m"), tiny(), Duration.ofMillis(400)));

      assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
      assertThat(r.tokensReceived()).isEqualTo(2);
      assertThat(r.endNanos() - r.intendedStartNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos());
    }
  }

  @Test
  void headersSlowerThanTheTimeout() throws Exception {
    try (var sse = SseTestServer.start(seen -> SseTestServer.Behaviour.normal().headersDelay(Duration.ofSeconds(3)))) {
      RequestRecord r = single(one(Endpoint.completions(sse.baseUrl(), "m"), tiny(), Duration.ofMillis(300)));

      assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
      assertThat(r.httpStatus()).isZero();
    }
  }

  @Test
  void connectionRefused() throws Exception {
    int port;
    try (var s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    RequestRecord r = single(one(Endpoint.completions("http://127.0.0.1:" + port, "m"), tiny(), TIMEOUT));

    assertThat(r.outcome()).isEqualTo(Outcome.CONNECTION_ERROR);
    assertThat(r.errorClass()).isEqualTo("ConnectException");
  }

  @Test
  @DisplayName("reasoning models: TTFT is the first reasoning chunk, time to first content comes after the chain")
  void reasoningThenContent() throws Exception {
    var behaviour = SseTestServer.Behaviour.normal().reasoning(5).tokens(3, Duration.ofMillis(20));
    try (var sse = SseTestServer.start(seen -> behaviour)) {
      RequestRecord r = single(one(Endpoint.chat(sse.baseUrl(), "m"), tiny(), TIMEOUT));

      assertThat(r.outcome()).isEqualTo(Outcome.COMPLETE);
      assertThat(r.tokensReceived()).isEqualTo(8);
      assertThat(r.ttfc().orElseThrow().minus(r.ttft().orElseThrow())).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }
  }

  private RequestRecord run(MockResponse response) {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return request.getTarget().equals("/tokenize") ? new MockResponse.Builder().code(404).build() : response;
      }
    });
    return single(one(Endpoint.completions("http://127.0.0.1:" + server.getPort(), "m"), tiny(), TIMEOUT));
  }

  private java.util.Set<TruncationSignal> signals(MockResponse response) {
    RequestRecord r = run(response);
    assertThat(r.outcome()).isEqualTo(Outcome.TRUNCATED);
    return r.truncation();
  }

  private static MockResponse sse(String body) {
    return sseBuilder(body).build();
  }

  private static MockResponse.Builder sseBuilder(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream").body(body);
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
