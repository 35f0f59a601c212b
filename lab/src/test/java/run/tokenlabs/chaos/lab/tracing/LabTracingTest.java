package run.tokenlabs.chaos.lab.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.api.ModelTracing;
import run.tokenlabs.chaos.lab.gateway.Gateway;
import run.tokenlabs.chaos.lab.simulator.CostModel;
import run.tokenlabs.chaos.lab.simulator.FaultState;
import run.tokenlabs.chaos.lab.simulator.MetricsExposition;
import run.tokenlabs.chaos.lab.simulator.ModelServer;
import run.tokenlabs.chaos.lab.simulator.SchedulerConfig;
import run.tokenlabs.chaos.lab.simulator.SimulatorConfig;

/**
 * The gateway and a model simulator tracing through the OpenTelemetry SDK over real loopback HTTP, their
 * reports received by a collector that takes Zipkin's path only (as Zipkin does): propagation, the
 * model's switches, and the misconfigured exporter with Envoy's tracer counters.
 */
class LabTracingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<JsonNode> stored = new CopyOnWriteArrayList<>();
  private HttpServer collector;
  private LabTracing tracing;
  private ModelServer pod;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    collector.createContext("/", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      boolean zipkin = ex.getRequestURI().getPath().equals(LabTracing.SPANS_PATH);
      if (zipkin) {
        JSON.readTree(body).forEach(stored::add);
      }
      ex.sendResponseHeaders(zipkin ? 202 : 404, -1);
      ex.close();
    });
    collector.start();
    URI base = URI.create("http://127.0.0.1:" + collector.getAddress().getPort());
    tracing = new LabTracing(() -> Optional.of(base));
    SimulatorConfig config = new SimulatorConfig("m", MetricsExposition.Flavor.VLLM,
        new SchedulerConfig(2048, 64, 4096, true, 0, 10_000), 2048, new CostModel(0.01, 0.0001, 0.001), 0.01, 20,
        0, 1);
    pod = new ModelServer(config, new FaultState(), InetAddress.getLoopbackAddress(), tracing).start();
    gateway = new Gateway(model -> List.of(pod.uri()), Set.of("m"), tracing);
  }

  @AfterEach
  void stop() {
    gateway.close();
    pod.close();
    tracing.close();
    collector.stop(0);
  }

  @Test
  @DisplayName("The gateway continues the client's trace and the model's span is the child of the gateway's")
  void propagates() throws Exception {
    complete();
    awaitExported(() -> spansOf(TRACE).size() == 2);

    List<JsonNode> spans = spansOf(TRACE);
    JsonNode gatewaySpan = one(spans, LabTracing.GATEWAY_SERVICE);
    JsonNode modelSpan = one(spans, "m");
    assertThat(gatewaySpan.path("parentId").asText()).isEqualTo(CLIENT_SPAN);
    assertThat(gatewaySpan.path("kind").asText()).isEqualTo("SERVER");
    assertThat(gatewaySpan.path("tags").path("upstream_cluster").asText()).isEqualTo("httproute/token-labs/m/rule/0");
    assertThat(modelSpan.path("parentId").asText()).isEqualTo(gatewaySpan.path("id").asText());
    assertThat(modelSpan.path("name").asText()).isEqualTo("llm_request");
    assertThat(pod.lastTraceparent()).isEqualTo("00-" + TRACE + "-" + gatewaySpan.path("id").asText() + "-01");
  }

  @Test
  @DisplayName("A model that drops traceparent emits its span in a trace of its own; a silent one emits none")
  void modelSwitches() throws Exception {
    tracing.setModelTracing("m", ModelTracing.DROPS_TRACEPARENT);
    complete();
    awaitExported(() -> stored.size() == 2);
    assertThat(spansOf(TRACE)).extracting(s -> s.at("/localEndpoint/serviceName").asText())
        .containsExactly(LabTracing.GATEWAY_SERVICE);
    assertThat(stored).anySatisfy(s -> {
      assertThat(s.at("/localEndpoint/serviceName").asText()).isEqualTo("m");
      assertThat(s.path("traceId").asText()).isNotEqualTo(TRACE);
      assertThat(s.has("parentId")).isFalse();
    });

    stored.clear();
    tracing.setModelTracing("m", ModelTracing.SILENT);
    complete();
    awaitExported(() -> !stored.isEmpty());
    assertThat(stored).extracting(s -> s.at("/localEndpoint/serviceName").asText())
        .containsExactly(LabTracing.GATEWAY_SERVICE);
  }

  @Test
  @DisplayName("A misconfigured gateway exporter: spans created and sent, every report dropped (404), none stored, "
      + "as Envoy's tracing.zipkin counters show")
  void misconfiguredExporter() throws Exception {
    tracing.setGatewayExportPath(LabTracing.OTLP_PATH);
    complete();
    complete();
    awaitExported(() -> tracing.stats(LabTracing.GATEWAY_SERVICE).spansSent() == 2 && spansOf(TRACE).size() == 2);

    ExportStats stats = tracing.stats(LabTracing.GATEWAY_SERVICE);
    assertThat(spansOf(TRACE)).extracting(s -> s.at("/localEndpoint/serviceName").asText()).containsOnly("m");
    assertThat(stats.spansSent()).isEqualTo(2);
    assertThat(stats.reportsSent()).isZero();
    assertThat(stats.reportsDropped()).isPositive();
    String page = http.send(HttpRequest.newBuilder(gateway.statsUrl()).build(), HttpResponse.BodyHandlers.ofString())
        .body();
    assertThat(page).contains("envoy_http_tracing_random_sampling{envoy_http_conn_manager_prefix=\"http-10080\"} 2",
        "envoy_tracing_zipkin_spans_sent 2", "envoy_tracing_zipkin_reports_sent 0",
        "envoy_tracing_zipkin_reports_dropped " + stats.reportsDropped());
  }

  @Test
  @DisplayName("With no collector yet, reports are skipped and counted so")
  void noCollector() throws Exception {
    try (LabTracing none = LabTracing.withoutCollector()) {
      none.tracer("x").spanBuilder("s").startSpan().end();
      assertThat(none.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(none.stats("x").reportsSkippedNoCluster()).isEqualTo(1);
      assertThat(none.stats("x").spansSent()).isZero();
    }
  }

  private void complete() throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(gateway.uri().resolve("/v1/completions"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .header("traceparent", "00-" + TRACE + "-" + CLIENT_SPAN + "-01")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"tok\",\"max_tokens\":2}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
  }

  /**
   * Flushes until {@code exported} holds: a server ends its span once its exchange is closed, which may be
   * after the client has read the answer, so one flush right after the answer can miss it.
   */
  private void awaitExported(java.util.concurrent.Callable<Boolean> exported) {
    org.awaitility.Awaitility.await("spans exported").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100)).until(() -> tracing.flush(Duration.ofSeconds(5)) && exported.call());
  }

  private List<JsonNode> spansOf(String trace) {
    List<JsonNode> spans = new ArrayList<>();
    stored.stream().filter(s -> s.path("traceId").asText().equals(trace)).forEach(spans::add);
    return spans;
  }

  private static JsonNode one(List<JsonNode> spans, String service) {
    List<JsonNode> of = spans.stream().filter(s -> s.at("/localEndpoint/serviceName").asText().equals(service)).toList();
    assertThat(of).as("spans of %s in %s", service, spans).hasSize(1);
    return of.get(0);
  }
}
