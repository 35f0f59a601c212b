package run.tokenlabs.chaos.lab.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.simulator.CostModel;
import run.tokenlabs.chaos.lab.simulator.FaultState;
import run.tokenlabs.chaos.lab.simulator.MetricsExposition;
import run.tokenlabs.chaos.lab.simulator.ModelServer;
import run.tokenlabs.chaos.lab.simulator.SchedulerConfig;
import run.tokenlabs.chaos.lab.simulator.SimulatorConfig;

/** The gateway over real loopback HTTP, in front of one simulated pod: routing and the answers it gives itself. */
class GatewayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicBoolean podReady = new AtomicBoolean(true);
  private ModelServer pod;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    SimulatorConfig config = new SimulatorConfig("m", MetricsExposition.Flavor.VLLM,
        new SchedulerConfig(2048, 64, 4096, true, 0, 10_000), 2048, new CostModel(0.01, 0.0001, 0.001), 0.01, 20,
        0, 1);
    pod = new ModelServer(config, new FaultState(), InetAddress.getLoopbackAddress()).start();
    gateway = new Gateway(model -> podReady.get() && model.equals("m") ? List.of(pod.uri()) : List.of(),
        Set.of("m", "other"));
  }

  @AfterEach
  void stop() {
    gateway.close();
    pod.close();
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(gateway.uri().resolve("/v1/completions")).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(gateway.uri().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("a routed model is proxied to its pod; the pod's own errors pass through unchanged")
  void proxies() throws Exception {
    HttpResponse<String> ok = post("{\"model\":\"m\",\"prompt\":\"tok\",\"max_tokens\":3,\"ignore_eos\":true}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ok.body()).at("/usage/completion_tokens").asInt()).isEqualTo(3);

    HttpResponse<String> bad = post("{\"model\":\"m\",\"prompt\":\"tok\",\"n\":0}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).at("/error/message").asText()).isEqualTo("n must be at least 1, got 0.");
  }

  @Test
  @DisplayName("an unknown model is a 404 with the nested OpenAI error; a body without model a 400; no route a 404")
  void unknownModel() throws Exception {
    HttpResponse<String> unknown = post("{\"model\":\"nope\",\"prompt\":\"tok\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode error = JSON.readTree(unknown.body()).path("error");
    assertThat(error.path("message").asText()).isEqualTo("The model `nope` does not exist.");
    assertThat(error.path("type").asText()).isEqualTo("NotFoundError");
    assertThat(error.path("code").asInt()).isEqualTo(404);

    HttpResponse<String> noModel = post("{\"prompt\":\"tok\"}");
    assertThat(noModel.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noModel.body()).at("/error/param").asText()).isEqualTo("model");

    HttpResponse<String> noRoute = get("/v1/something");
    assertThat(noRoute.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(noRoute.body()).at("/error/type").asText()).isEqualTo("Not Found");
  }

  @Test
  @DisplayName("no ready endpoint is Envoy's own plain-text 503 no healthy upstream")
  void noHealthyUpstream() throws Exception {
    podReady.set(false);
    HttpResponse<String> r = post("{\"model\":\"m\",\"prompt\":\"tok\"}");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("no healthy upstream");
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
  }

  @Test
  @DisplayName("/v1/models lists the routed models as Envoy AI Gateway does; /v1/models/{id} answers one or a 404")
  void models() throws Exception {
    JsonNode list = JSON.readTree(get("/v1/models").body());
    assertThat(list.path("object").asText()).isEqualTo("list");
    assertThat(list.path("data")).hasSize(2);
    for (JsonNode card : list.path("data")) {
      assertThat(card.path("object").asText()).isEqualTo("model");
      assertThat(card.path("owned_by").asText()).isEqualTo("Envoy AI Gateway");
      assertThat(card.path("created").asLong()).isPositive();
    }
    assertThat(JSON.readTree(get("/v1/models/other").body()).path("id").asText()).isEqualTo("other");
    HttpResponse<String> unknown = get("/v1/models/nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).at("/error/type").asText()).isEqualTo("NotFoundError");
  }

  @Test
  @DisplayName("the gateway counts its own answers under Envoy's downstream stats")
  void countsItsOwnAnswers() throws Exception {
    post("{\"model\":\"nope\",\"prompt\":\"tok\"}");
    podReady.set(false);
    post("{\"model\":\"m\",\"prompt\":\"tok\"}");
    String stats = http.send(HttpRequest.newBuilder(gateway.statsUrl()).build(), HttpResponse.BodyHandlers.ofString())
        .body();
    assertThat(stats).contains("envoy_http_downstream_rq_xx{envoy_http_conn_manager_prefix=\"http-10080\","
        + "envoy_response_code_class=\"4\"} 1", "envoy_response_code_class=\"5\"} 1");
  }

  @Test
  @DisplayName("a stream passes through as the pod writes it")
  void streams() throws Exception {
    HttpResponse<String> r = post("{\"model\":\"m\",\"prompt\":\"tok\",\"max_tokens\":4,\"ignore_eos\":true,"
        + "\"stream\":true}");
    assertThat(r.body().split("\n\n")).hasSize(5);
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
  }
}
