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
import org.awaitility.Awaitility;
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
  @DisplayName("a prompt over max_model_len gets 400 with vLLM's nested error body, an unknown model 404, both counted")
  void errors() throws Exception {
    HttpResponse<String> tooLong = post("/v1/completions", "{\"model\":\"m\",\"prompt\":[" + "1,".repeat(4096)
        + "1],\"max_tokens\":1}");
    assertThat(tooLong.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(tooLong.body()).path("error");
    assertThat(error.path("type").asText()).isEqualTo("BadRequestError");
    assertThat(error.path("code").asInt()).isEqualTo(400);
    assertThat(error.has("param")).isTrue();
    assertThat(error.path("message").asText()).contains("maximum context length is 4096 tokens")
        .contains("(4097 in the messages, 1 in the completion)");

    HttpResponse<String> unknown = post("/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).at("/error/type").asText()).isEqualTo("NotFoundError");
    assertThat(JSON.readTree(unknown.body()).at("/error/message").asText()).isEqualTo("The model `nope` does not exist.");

    // the server books a request once its answer is written, which the client may read first: await the count
    Awaitility.await("both 4xx booked by the HTTP instrumentation").atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(get("/metrics"))
            .contains("http_requests_total{handler=\"/v1/completions\",method=\"POST\",status=\"4xx\"} 2"));
  }

  @Test
  @DisplayName("bad parameters get vLLM's 400 and message, naming the parameter: n < 1, max_tokens < 1, best_of > 1")
  void badParameters() throws Exception {
    for (String[] c : new String[][] {{"\"n\":0", "n must be at least 1, got 0.", "n"},
        {"\"max_tokens\":0", "max_tokens must be at least 1, got 0.", "max_tokens"},
        {"\"best_of\":2", "vLLM V1 does not yet support best_of.", "best_of"}}) {
      HttpResponse<String> r = post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"tok\"," + c[0] + "}");
      JsonNode error = JSON.readTree(r.body()).path("error");
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(error.path("message").asText()).as(c[0]).isEqualTo(c[1]);
      assertThat(error.path("param").asText()).as(c[0]).isEqualTo(c[2]);
      assertThat(error.path("type").asText()).as(c[0]).isEqualTo("BadRequestError");
    }
  }

  @Test
  @DisplayName("n choices, streamed: every choice index streams to its own finish_reason, usage counts them all")
  void nChoicesStreamed() throws Exception {
    String body = post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
        + "\"hi\"}],\"max_tokens\":3,\"ignore_eos\":true,\"n\":3,\"stream\":true,\"stream_options\":"
        + "{\"include_usage\":true}}").body();
    int[] tokens = new int[3];
    int[] roles = new int[3];
    int[] finished = new int[3];
    JsonNode usage = null;
    for (String event : body.split("\n\n")) {
      if (event.equals("data: [DONE]")) {
        continue;
      }
      JsonNode chunk = JSON.readTree(event.substring(6));
      if (chunk.path("choices").isEmpty()) {
        usage = chunk.path("usage");
        continue;
      }
      JsonNode choice = chunk.at("/choices/0");
      int index = choice.path("index").asInt();
      if (choice.at("/delta/role").asText("").equals("assistant")) {
        roles[index]++;
      } else {
        tokens[index]++;
      }
      if (!choice.path("finish_reason").isNull()) {
        finished[index]++;
      }
    }
    assertThat(tokens).containsExactly(3, 3, 3);
    assertThat(roles).containsExactly(1, 1, 1);
    assertThat(finished).containsExactly(1, 1, 1);
    assertThat(usage).isNotNull();
    assertThat(usage.path("completion_tokens").asInt()).isEqualTo(9);
    assertThat(body).endsWith("data: [DONE]\n\n");
  }

  @Test
  @DisplayName("n choices, not streamed: one answer with n choices indexed 0..n-1, and vLLM's n histogram counts them")
  void nChoicesWhole() throws Exception {
    JsonNode answer = JSON.readTree(post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"tok\",\"max_tokens\":4,"
        + "\"ignore_eos\":true,\"n\":2}").body());
    assertThat(answer.path("choices")).hasSize(2);
    assertThat(answer.at("/choices/0/index").asInt()).isEqualTo(0);
    assertThat(answer.at("/choices/1/index").asInt()).isEqualTo(1);
    assertThat(answer.at("/choices/1/text").asText()).isEqualTo("the kv gpu node ");
    assertThat(answer.at("/usage/completion_tokens").asInt()).isEqualTo(8);
    assertThat(answer.at("/usage/prompt_tokens").asInt()).isEqualTo(1);
    assertThat(get("/metrics")).contains("vllm:request_params_n_bucket{engine=\"0\",model_name=\"m\",le=\"2\"} 2",
        "vllm:request_params_n_bucket{engine=\"0\",model_name=\"m\",le=\"1\"} 0");
  }

  @Test
  @DisplayName("tokenize, /v1/models and /v1/models/{id} answer as vLLM does; an unknown id is a nested 404")
  void tokenizeAndModels() throws Exception {
    JsonNode t = JSON.readTree(post("/tokenize", "{\"model\":\"m\",\"prompt\":\"tok tok hello\"}").body());
    assertThat(t.path("count").asInt()).isEqualTo(4);
    assertThat(t.path("tokens")).hasSize(4);
    long before = System.currentTimeMillis() / 1000;
    JsonNode card = JSON.readTree(get("/v1/models")).at("/data/0");
    assertThat(card.path("id").asText()).isEqualTo("m");
    assertThat(card.path("owned_by").asText()).isEqualTo("vllm");
    assertThat(card.path("created").asLong()).isBetween(before, System.currentTimeMillis() / 1000);
    assertThat(card.path("max_model_len").asInt()).isEqualTo(4096);
    assertThat(JSON.readTree(get("/v1/models/m")).path("id").asText()).isEqualTo("m");
    HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/v1/models/nope"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).at("/error/message").asText()).isEqualTo("The model `nope` does not exist.");
  }

  @Test
  @DisplayName("an SGLang pod says owned_by sglang")
  void sglangOwnsItsModel() throws Exception {
    SimulatorConfig config = new SimulatorConfig("s", MetricsExposition.Flavor.SGLANG,
        new SchedulerConfig(2048, 64, 4096, true, 0, 10_000), 2048, new CostModel(0.01, 0.0001, 0.001), 0.01, 20,
        0, 1);
    try (ModelServer sglang = new ModelServer(config, new FaultState(), InetAddress.getLoopbackAddress()).start()) {
      String body = http.send(HttpRequest.newBuilder(URI.create(sglang.uri() + "/v1/models")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(JSON.readTree(body).at("/data/0/owned_by").asText()).isEqualTo("sglang");
    }
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
  @DisplayName("fault: 5xx at rate 1 with a nested error body, and connection resets")
  void errorAndReset() throws Exception {
    faults.failRequests(1.0, 503);
    HttpResponse<String> failed = post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"tok\"}");
    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(failed.body()).at("/error/type").asText()).isEqualTo("Service Unavailable");
    assertThat(JSON.readTree(failed.body()).at("/error/message").asText()).startsWith("Injected fault");
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
