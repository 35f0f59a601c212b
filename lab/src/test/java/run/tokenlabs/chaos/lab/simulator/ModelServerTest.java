package run.tokenlabs.chaos.lab.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The simulator over real HTTP on loopback: SSE format, usage, errors, faults. */
class ModelServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final FaultState faults = new FaultState();
  private ModelServer server;

  @BeforeEach
  void start() throws IOException {
    SimulatorConfig config = new SimulatorConfig("m", MetricsExposition.Flavor.VLLM,
        new SchedulerConfig(2048, 64, 4096, true, 0, 10_000), 2048, new CostModel(0.01, 0.0001, 0.001), 0.01, 20,
        0.5, 1);
    server = new ModelServer(config, faults, InetAddress.getLoopbackAddress()).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @DisplayName("a streamed completion: data events, null finish_reason until the last, usage chunk, then [DONE]")
  void sseFormat() throws Exception {
    String body = post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"tok tok tok\",\"max_tokens\":5,"
        + "\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}}").body();

    assertThat(body).endsWith("data: [DONE]\n\n");
    String[] events = body.split("\n\n");
    assertThat(events).hasSize(5 + 1 + 1).allSatisfy(e -> assertThat(e).startsWith("data: "));
    List<JsonNode> chunks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      chunks.add(JSON.readTree(events[i].substring(6)));
    }
    for (int i = 0; i < 4; i++) {
      assertThat(chunks.get(i).at("/choices/0/finish_reason").isNull()).isTrue();
    }
    assertThat(chunks.get(4).at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(chunks.get(5).path("choices")).isEmpty();
    assertThat(chunks.get(5).at("/usage/prompt_tokens").asInt()).isEqualTo(3);
    assertThat(chunks.get(5).at("/usage/completion_tokens").asInt()).isEqualTo(5);
    StringBuilder text = new StringBuilder();
    chunks.subList(0, 5).forEach(c -> text.append(c.at("/choices/0/text").asText()));
    assertThat(TokenRule.count(text)).as("usage and the token rule agree").isEqualTo(5);
  }

  @Test
  @DisplayName("chat streams open with the assistant role and send R1 reasoning before content")
  void chatWithReasoning() throws Exception {
    String body = post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"max_tokens\":4,\"ignore_eos\":true,\"stream\":true}").body();
    String[] events = body.split("\n\n");
    assertThat(events[0]).contains("\"role\":\"assistant\"");
    assertThat(events[1]).contains("\"reasoning_content\":");
    assertThat(events[4]).contains("\"content\":").contains("\"finish_reason\":\"length\"");
    assertThat(events[5]).isEqualTo("data: [DONE]");
  }

  @Test
  @DisplayName("a prompt over max_model_len gets 400 with an OpenAI error body, an unknown model 404, both counted")
  void errors() throws Exception {
    HttpResponse<String> tooLong = post("/v1/completions", "{\"model\":\"m\",\"prompt\":[" + "1,".repeat(4096)
        + "1],\"max_tokens\":1}");
    assertThat(tooLong.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(tooLong.body());
    assertThat(error.path("object").asText()).isEqualTo("error");
    assertThat(error.path("type").asText()).isEqualTo("BadRequestError");
    assertThat(error.path("message").asText()).contains("maximum context length is 4096 tokens");

    HttpResponse<String> unknown = post("/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).path("type").asText()).isEqualTo("NotFoundError");

    String metrics = get("/metrics");
    assertThat(metrics).contains("http_requests_total{handler=\"/v1/completions\",method=\"POST\",status=\"4xx\"} 2");
  }

  @Test
  @DisplayName("tokenize and /v1/models answer as vLLM does")
  void tokenizeAndModels() throws Exception {
    JsonNode t = JSON.readTree(post("/tokenize", "{\"model\":\"m\",\"prompt\":\"tok tok hello\"}").body());
    assertThat(t.path("count").asInt()).isEqualTo(4);
    assertThat(t.path("tokens")).hasSize(4);
    assertThat(JSON.readTree(get("/v1/models")).at("/data/0/id").asText()).isEqualTo("m");
  }

  @Test
  @DisplayName("fault: a cut stream ends after N tokens with no finish_reason, usage or [DONE]")
  void cutStream() throws Exception {
    faults.cutStreamsAfter(3);
    String body = post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"tok\",\"max_tokens\":10,\"ignore_eos\":true,"
        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}").body();
    assertThat(body.split("\n\n")).hasSize(3);
    assertThat(body).doesNotContain("[DONE]").doesNotContain("usage").doesNotContain("\"finish_reason\":\"");
  }

  @Test
  @DisplayName("the chat role chunk comes with the first output, after prefill: a stream cut before it is empty")
  void roleChunkComesWithTheFirstToken() throws Exception {
    faults.cutStreamsAfter(0);
    String cutBeforeFirstToken = post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}],\"max_tokens\":5,\"stream\":true}").body();
    faults.clear();
    faults.cutStreamsAfter(1);
    String cutAfterOne = post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}],\"max_tokens\":5,\"stream\":true}").body();

    assertThat(cutBeforeFirstToken).isEmpty();
    assertThat(cutAfterOne.split("\n\n")).hasSize(2);
    assertThat(cutAfterOne.split("\n\n")[0]).contains("\"role\":\"assistant\"");
  }

  @Test
  @DisplayName("fault: 5xx at rate 1 and connection resets")
  void errorAndReset() throws Exception {
    faults.failRequests(1.0, 503);
    assertThat(post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"tok\"}").statusCode()).isEqualTo(503);
    faults.clear();
    faults.resetConnections(1.0);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"tok\"}"))
        .isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("closing the server (the pod dies) cuts an open stream")
  void closeCutsStreams() throws Exception {
    var pending = http.sendAsync(request("/v1/completions", "{\"model\":\"m\",\"prompt\":\"tok\",\"max_tokens\":4000,"
        + "\"ignore_eos\":true,\"stream\":true}"), HttpResponse.BodyHandlers.ofString());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.metrics().runningRequests() == 1);
    server.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> pending.get(5, java.util.concurrent.TimeUnit.SECONDS))
        .hasCauseInstanceOf(IOException.class);
  }

  private HttpRequest request(String path, String body) {
    return HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
  }

  private String get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
