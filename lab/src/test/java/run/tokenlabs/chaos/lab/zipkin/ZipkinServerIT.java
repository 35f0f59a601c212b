package run.tokenlabs.chaos.lab.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Zipkin server as the lab runs it: the jar the build resolved, in-memory storage, loopback only. */
class ZipkinServerIT {
  @TempDir
  static Path work;
  static ZipkinServer zipkin;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    zipkin = ZipkinServer.launch(work, ZipkinServer.freePort());
    zipkin.awaitReady(Duration.ofSeconds(120));
  }

  @AfterAll
  static void stopAndCheckStopped() {
    if (zipkin != null) {
      zipkin.close();
      assertThat(zipkin.isAlive()).as("the Zipkin process after close()").isFalse();
    }
  }

  @Test
  @DisplayName("A span posted as Zipkin JSON v2 is read back by its trace id; an unknown trace is a 404")
  void storesAndAnswersTraces() throws Exception {
    String span = "[{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"id\":\"00f067aa0ba902b7\",\"kind\":\"SERVER\","
        + "\"name\":\"post /v1/completions\",\"timestamp\":1700000000000000,\"duration\":1500,"
        + "\"localEndpoint\":{\"serviceName\":\"envoy-gateway\"}}]";

    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(zipkin.url().resolve("/api/v2/spans"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(span)).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> trace = get("/api/v2/trace/4bf92f3577b34da6a3ce929d0e0e4736");

    assertThat(posted.statusCode()).isEqualTo(202);
    assertThat(trace.statusCode()).isEqualTo(200);
    assertThat(trace.body()).contains("\"id\":\"00f067aa0ba902b7\"", "\"serviceName\":\"envoy-gateway\"");
    assertThat(get("/api/v2/trace/0000000000000000000000000000dead").statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("It takes no OTLP: a post to /v1/traces is a 404, the reference run's wrong-protocol export")
  void refusesOtlp() throws Exception {
    HttpResponse<String> otlp = http.send(HttpRequest.newBuilder(zipkin.url().resolve("/v1/traces"))
        .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[8]))
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(otlp.statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(zipkin.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
