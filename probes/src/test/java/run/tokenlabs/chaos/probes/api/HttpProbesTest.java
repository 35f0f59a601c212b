package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Reading;

class HttpProbesTest {

  @Test
  void statusBodyAndLatencyAreChecked() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(new MockResponse.Builder().code(200).body("{\"object\":\"list\"}").build());
      server.enqueue(new MockResponse.Builder().code(503).body("no healthy upstream").build());
      HttpProbes http = new HttpProbes(Optional.of(server.url("/").uri()), Duration.ofSeconds(2));
      HttpExpectation healthy = HttpExpectation.status(200).bodyDoesNotContain("no healthy upstream")
          .latencyAtMost(Duration.ofSeconds(2));

      Reading<HttpResult> ok = http.gateway("/v1/models").read();
      Reading<HttpResult> down = http.gateway("v1/models").read();

      assertThat(ok.value().orElseThrow().body()).isEqualTo("{\"object\":\"list\"}");
      assertThat(healthy.accepts(ok, null)).isTrue();
      assertThat(down.value().orElseThrow().status()).isEqualTo(503);
      assertThat(healthy.accepts(down, null)).isFalse();
      assertThat(healthy.description()).isEqualTo("status 200, body without 'no healthy upstream', latency <= 2 s");
      assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/v1/models");
    }
  }

  @Test
  void slowAnswerFailsTheLatencyBound() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(new MockResponse.Builder().code(200).body("ok").bodyDelay(300, TimeUnit.MILLISECONDS).build());

      Reading<HttpResult> reading = HttpProbes.withTimeout(Duration.ofSeconds(5)).get(server.url("/").uri()).read();

      assertThat(HttpExpectation.status(200).latencyAtMost(Duration.ofMillis(100)).accepts(reading, null)).isFalse();
      assertThat(HttpExpectation.status(200).bodyContains("ok").accepts(reading, null)).isTrue();
    }
  }

  @Test
  void refusedConnectionIsAnOutcomeNotAnError() throws Exception {
    URI gone;
    MockWebServer server = new MockWebServer();
    server.start();
    gone = server.url("/").uri();
    server.close();

    HttpResult result = HttpProbes.withTimeout(Duration.ofSeconds(2)).get(gone).read().value().orElseThrow();

    assertThat(result.status()).isZero();
    assertThat(result.failure()).hasValueSatisfying(f -> assertThat(f).contains("ConnectException"));
    assertThat(HttpExpectation.responds().accepts(Reading.of(result), null)).isFalse();
  }

  @Test
  void postSendsJson() throws IOException, InterruptedException, Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(new MockResponse.Builder().code(400).body("prompt too long").build());

      HttpResult result = HttpProbes.withTimeout(Duration.ofSeconds(2))
          .postJson(server.url("/v1/completions").uri(), "{\"prompt\":\"x\"}").read().value().orElseThrow();

      assertThat(result.status()).isEqualTo(400);
      assertThat(server.takeRequest().getHeaders().get("Content-Type")).startsWith("application/json");
    }
  }
}
