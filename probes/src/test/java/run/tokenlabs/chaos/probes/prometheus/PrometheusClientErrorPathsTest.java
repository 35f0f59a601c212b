package run.tokenlabs.chaos.probes.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.Secret;
import run.tokenlabs.chaos.probes.api.PrometheusClient;

/** What the client does when Prometheus, or whatever answers in its place, misbehaves. */
class PrometheusClientErrorPathsTest {
  private final MockWebServer server = new MockWebServer();
  private final List<Duration> pauses = new ArrayList<>();
  private PrometheusClient client;

  @BeforeEach
  void start() throws IOException {
    server.start();
    client = PrometheusClients.connect(PrometheusEndpoint.unauthenticated(server.url("/").uri()),
        new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(2)), pauses::add);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
  }

  static MockResponse success(String data) {
    return json(200, "{\"status\":\"success\",\"data\":" + data + "}");
  }

  static final String ONE_SAMPLE = "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1700000000.5,\"1\"]}]}";

  @Test
  @DisplayName("400 bad_data: fails at once with the PromQL and Prometheus' message, no retry")
  void badDataIsNotRetried() {
    server.enqueue(json(400, "{\"status\":\"error\",\"errorType\":\"bad_data\","
        + "\"error\":\"invalid parameter \\\"query\\\": 1:11: parse error: unclosed left bracket\"}"));

    assertThatThrownBy(() -> client.query("rate(x[5m]"))
        .isInstanceOf(ProbeException.class)
        .hasMessageContaining("rejected query `rate(x[5m]`")
        .hasMessageContaining("bad_data, HTTP 400")
        .hasMessageContaining("unclosed left bracket");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(pauses).isEmpty();
  }

  @Test
  void executionErrorIsNotRetried() {
    server.enqueue(json(422, "{\"status\":\"error\",\"errorType\":\"execution\","
        + "\"error\":\"found duplicate series for the match group\"}"));

    assertThatThrownBy(() -> client.query("a * on(job) b"))
        .isInstanceOf(ProbeException.class)
        .hasMessageContaining("`a * on(job) b`").hasMessageContaining("execution, HTTP 422")
        .hasMessageContaining("duplicate series");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("500 then 200: retried after a pause and answered")
  void serverErrorIsRetried() throws Exception {
    server.enqueue(new MockResponse.Builder().code(500).body("internal").build());
    server.enqueue(success(ONE_SAMPLE));

    assertThat(client.query("up")).isNotNull();
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(pauses).containsExactly(Duration.ofMillis(10));
  }

  @Test
  @DisplayName("503 every time: ProbeException after the bounded attempts, listing each failure")
  void unavailableExhaustsRetries() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(503, "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"TSDB not ready\"}"));
    }

    assertThatThrownBy(() -> client.query("up"))
        .isInstanceOf(ProbeException.class)
        .hasMessageContaining("3 attempt(s)")
        .hasMessageContaining("unavailable (HTTP 503): TSDB not ready")
        .hasMessageContaining("query `up`");
    assertThat(pauses).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
  }

  @Test
  @DisplayName("slow answer: each attempt times out within the deadline, then ProbeException")
  void slowAnswerTimesOut() {
    client = PrometheusClients.connect(PrometheusEndpoint.unauthenticated(server.url("/").uri()),
        new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(600)), pauses::add);
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder(success(ONE_SAMPLE)).headersDelay(2, TimeUnit.SECONDS).build());
    }

    assertThatThrownBy(() -> client.query("up"))
        .isInstanceOf(ProbeException.class)
        .hasMessageContaining("timed out");
  }

  @Test
  void malformedJsonIsAnErrorNotAnEmptyResult() {
    server.enqueue(json(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{"));

    assertThatThrownBy(() -> client.query("up"))
        .isInstanceOf(ProbeException.class).hasMessageContaining("malformed JSON");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("HTML instead of JSON (a login page or proxy): named as such")
  void htmlInsteadOfJson() {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html; charset=utf-8")
        .body("<html><body>Sign in to continue</body></html>").build());

    assertThatThrownBy(() -> client.query("up"))
        .isInstanceOf(ProbeException.class)
        .hasMessageContaining("text/html")
        .hasMessageContaining("Sign in to continue")
        .hasMessageContaining("not a proxy or login page");
  }

  @Test
  void wrongContentTypeIsRejected() {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/plain; version=0.0.4")
        .body("up 1\n").build());

    assertThatThrownBy(() -> client.query("up"))
        .isInstanceOf(ProbeException.class).hasMessageContaining("text/plain; version=0.0.4");
  }

  @Test
  void jsonThatIsNotTheEnvelope() {
    server.enqueue(json(200, "{\"hello\":\"world\"}"));

    assertThatThrownBy(() -> client.query("up")).isInstanceOf(ProbeException.class)
        .hasMessageContaining("not the API envelope");
  }

  @Test
  @DisplayName("connection refused: retried, then ProbeException naming the URL")
  void connectionRefused() throws IOException {
    MockWebServer gone = new MockWebServer();
    gone.start();
    URI url = gone.url("/").uri();
    gone.close();
    PrometheusClient unreachable = PrometheusClients.connect(PrometheusEndpoint.unauthenticated(url),
        new RetryPolicy(3, Duration.ofMillis(1), Duration.ofSeconds(2)), pauses::add);

    assertThatThrownBy(unreachable::buildInfo)
        .isInstanceOf(ProbeException.class)
        .hasMessageContaining("Could not ask Prometheus at " + url)
        .hasMessageContaining("3 attempt(s)")
        .hasMessageContaining("ConnectException");
  }

  @Test
  @DisplayName("bearer token sent on the wire and never shown in messages")
  void bearerToken() throws Exception {
    client = PrometheusClients.connect(new PrometheusEndpoint(server.url("/prom/").uri(),
        Optional.of(Secret.of("s3cr3t-token")), Optional.empty(), Optional.empty(), Optional.empty()),
        new RetryPolicy(1, Duration.ofMillis(1), Duration.ofSeconds(2)), pauses::add);
    server.enqueue(success(ONE_SAMPLE));
    server.enqueue(new MockResponse.Builder().code(401).body("Unauthorized").build());

    client.query("up");
    RecordedRequest request = server.takeRequest();
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer s3cr3t-token");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/prom/api/v1/query");
    assertThat(request.getBody().utf8()).isEqualTo("query=up");
    assertThatThrownBy(() -> client.query("up"))
        .isInstanceOf(ProbeException.class).hasMessageContaining("HTTP 401")
        .hasMessageNotContaining("s3cr3t-token");
  }

  @Test
  void basicAuth() throws Exception {
    client = PrometheusClients.connect(new PrometheusEndpoint(server.url("/").uri(), Optional.empty(),
        Optional.of("chaos"), Optional.of(Secret.of("pw")), Optional.empty()),
        new RetryPolicy(1, Duration.ofMillis(1), Duration.ofSeconds(2)), pauses::add);
    server.enqueue(success("{\"version\":\"2.42.0\",\"revision\":\"\",\"goVersion\":\"go1.19\"}"));

    assertThat(client.buildInfo().version()).isEqualTo("2.42.0");
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Basic Y2hhb3M6cHc=");
  }
}
