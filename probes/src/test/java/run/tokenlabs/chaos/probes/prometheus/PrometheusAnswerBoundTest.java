package run.tokenlabs.chaos.probes.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.Secret;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.QueryResult;

/** An answer larger than {@code prometheus.maxResponseBytes} is an ERROR naming the bound, never read whole. */
class PrometheusAnswerBoundTest {
  private static final int BOUND = 1024;
  private final MockWebServer server = new MockWebServer();
  private final List<Duration> pauses = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @DisplayName("an answer over the bound fails at once, naming URL, query, bound and what to do, without a retry")
  void overTheBound() {
    server.enqueue(answer(vectorOf(200), false));

    assertThatThrownBy(() -> client(BOUND).query("up{job=~\".+\"}"))
        .isInstanceOf(ProbeException.class)
        .hasMessageContaining("Prometheus at " + server.url("/api/v1/query"))
        .hasMessageContaining("query `up{job=~\".+\"}`")
        .hasMessageContaining("more than 1024 bytes (prometheus.maxResponseBytes)")
        .hasMessageContaining("Narrow the query")
        .hasMessageContaining("raise prometheus.maxResponseBytes");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(pauses).isEmpty();
  }

  @Test
  @DisplayName("a chunked answer without Content-Length is cut at the bound too")
  void chunkedOverTheBound() {
    server.enqueue(answer(vectorOf(200), true));

    assertThatThrownBy(() -> client(BOUND).alerts())
        .isInstanceOf(ProbeException.class)
        .hasMessageContaining("answered alerts with more than 1024 bytes")
        .hasMessageContaining("went past it");
  }

  @Test
  @DisplayName("an answer of exactly the bound is read; one byte more is refused")
  void exactlyTheBound() {
    String body = vectorOf(3);
    server.enqueue(answer(body, false));
    server.enqueue(answer(body, false));
    int length = body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;

    QueryResult result = client(length).query("up");

    assertThat(result).isInstanceOfSatisfying(QueryResult.Vector.class, v -> assertThat(v.samples()).hasSize(3));
    assertThatThrownBy(() -> client(length - 1).query("up")).hasMessageContaining("more than " + (length - 1) + " bytes");
  }

  @Test
  @DisplayName("the bound's message shows no credential")
  void noSecretInTheMessage() {
    server.enqueue(answer(vectorOf(200), false));
    var endpoint = new PrometheusEndpoint(server.url("/").uri(), Optional.of(Secret.of("s3cr3t-token")),
        Optional.empty(), Optional.empty(), Optional.empty(), BOUND);
    PrometheusClient client = PrometheusClients.connect(endpoint,
        new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(2)), pauses::add);

    assertThatThrownBy(() -> client.targets()).hasMessageContaining("1024 bytes").hasMessageNotContaining("s3cr3t");
  }

  @Test
  void theDefaultBoundIs32MiB() {
    assertThat(PrometheusEndpoint.unauthenticated(server.url("/").uri()).maxResponseBytes()).isEqualTo(32L << 20);
  }

  private PrometheusClient client(long bound) {
    return PrometheusClients.connect(PrometheusEndpoint.unauthenticated(server.url("/").uri()).withMaxResponseBytes(bound),
        new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(2)), pauses::add);
  }

  private static MockResponse answer(String body, boolean chunked) {
    var builder = new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json");
    return (chunked ? builder.chunkedBody(body, 100) : builder.body(body)).build();
  }

  /** A success envelope holding an instant vector of {@code n} series. */
  private static String vectorOf(int n) {
    var result = new StringBuilder();
    for (int i = 0; i < n; i++) {
      result.append(i == 0 ? "" : ",").append("{\"metric\":{\"__name__\":\"up\",\"instance\":\"h").append(i)
          .append("\"},\"value\":[1700000000.5,\"1\"]}");
    }
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + result + "]}}";
  }
}
