package run.tokenlabs.chaos.probes.traces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Secret;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;
import run.tokenlabs.chaos.api.TraceBackendEndpoint.Kind;
import run.tokenlabs.chaos.probes.api.Trace;
import run.tokenlabs.chaos.probes.api.TraceBackend;
import run.tokenlabs.chaos.probes.api.TraceSpan;

/**
 * Tempo's and Jaeger's answers for one trace, as their query APIs document them (fixtures under
 * {@code traces/}), served over loopback HTTP: the spans, their services and parents, 404 as no such trace,
 * other statuses and oversized answers as errors. Zipkin's is checked against the real server in the lab.
 */
class TraceBackendsTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String GATEWAY_SPAN = "a1b2c3d4e5f60718";
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, String> authorization = new ConcurrentHashMap<>();
  private final Map<String, String> queries = new ConcurrentHashMap<>();
  private HttpServer server;

  private record Answer(int status, String body) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      authorization.put(ex.getRequestURI().getPath(), auth == null ? "" : auth);
      queries.put(ex.getRequestURI().getPath(), String.valueOf(ex.getRequestURI().getQuery()));
      Answer answer = answers.getOrDefault(ex.getRequestURI().getPath(), new Answer(404, "{}"));
      byte[] body = answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(answer.status(), body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  @DisplayName("Tempo /api/v2/traces: OTLP JSON with base64 ids, service.name from each resource")
  void tempo() throws IOException {
    answers.put("/api/v2/traces/" + TRACE, new Answer(200, fixture("tempo-v2-trace.json")));

    Trace trace = backend(Kind.TEMPO).trace(TRACE).orElseThrow();

    assertThat(trace.spans()).containsExactly(
        new TraceSpan(GATEWAY_SPAN, "00f067aa0ba902b7", "envoy-gateway", "ingress POST /v1/completions"),
        new TraceSpan("0badc0ffee123456", GATEWAY_SPAN, "deepseek-r1-7b", "llm_request"));
    assertThat(trace.hasChildOf("deepseek-r1-7b", "envoy-gateway")).isTrue();
    assertThat(trace.services()).containsExactly("deepseek-r1-7b", "envoy-gateway");
  }

  @Test
  @DisplayName("Tempo /api/traces' batches with hex ids read the same")
  void tempoBatches() throws IOException {
    Trace trace = TraceDecoding.tempo(TRACE, new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(fixture("tempo-v1-trace.json")));

    assertThat(trace.spans()).containsExactly(
        new TraceSpan(GATEWAY_SPAN, "00f067aa0ba902b7", "envoy-gateway", "ingress POST /v1/completions"));
  }

  @Test
  @DisplayName("Jaeger /api/traces: spans with CHILD_OF references and services from the processes")
  void jaeger() throws IOException {
    answers.put("/api/traces/" + TRACE, new Answer(200, fixture("jaeger-trace.json")));

    Trace trace = backend(Kind.JAEGER).trace(TRACE).orElseThrow();

    assertThat(trace.spans()).extracting(TraceSpan::service, TraceSpan::parentId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("envoy-gateway", "00f067aa0ba902b7"),
            org.assertj.core.groups.Tuple.tuple("deepseek-r1-7b", GATEWAY_SPAN));
    assertThat(trace.hasChildOf("deepseek-r1-7b", "envoy-gateway")).isTrue();
  }

  @Test
  @DisplayName("A 404 (Jaeger's 'trace not found', Tempo's) is no such trace, not an error")
  void notFound() throws IOException {
    answers.put("/api/traces/" + TRACE, new Answer(404, fixture("jaeger-not-found.json")));

    assertThat(backend(Kind.JAEGER).trace(TRACE)).isEmpty();
    assertThat(backend(Kind.TEMPO).trace(TRACE)).isEmpty();
  }

  @Test
  @DisplayName("Another status, an answer that is not the API's or over the bound is an ERROR naming the URL and what to check")
  void errors() {
    answers.put("/api/v2/traces/" + TRACE, new Answer(401, "{\"message\":\"unauthorized\"}"));
    assertThatThrownBy(() -> backend(Kind.TEMPO).trace(TRACE)).isInstanceOf(ProbeException.class)
        .hasMessageContaining("answered 401 for GET " + url() + "/api/v2/traces/" + TRACE)
        .hasMessageContaining("check the URL, the kind and the credentials");

    answers.put("/api/traces/" + TRACE, new Answer(200, "{\"data\":{}}"));
    assertThatThrownBy(() -> backend(Kind.JAEGER).trace(TRACE)).isInstanceOf(ProbeException.class)
        .hasMessageContaining("data is not a JSON array").hasMessageContaining("its kind is JAEGER");

    answers.put("/api/v2/trace/" + TRACE, new Answer(200, "[" + "{\"id\":\"00f067aa0ba902b7\"},".repeat(100) + "{}]"));
    TraceBackend small = TraceBackends.connect(new TraceBackendEndpoint(Kind.ZIPKIN, url(), Optional.empty(),
        Optional.empty(), 512), Duration.ofSeconds(5));
    assertThatThrownBy(() -> small.trace(TRACE)).isInstanceOf(ProbeException.class)
        .hasMessageContaining("larger than the bound of 512 bytes");
  }

  @Test
  @DisplayName("A bearer token is sent; a trace id that is not 32 hex digits is refused before any request")
  void authenticationAndIds() throws IOException {
    answers.put("/api/v2/trace/" + TRACE, new Answer(200, "[{\"traceId\":\"" + TRACE + "\",\"id\":\"" + GATEWAY_SPAN
        + "\",\"name\":\"ingress\",\"localEndpoint\":{\"serviceName\":\"envoy-gateway\"}}]"));
    TraceBackend zipkin = TraceBackends.connect(new TraceBackendEndpoint(Kind.ZIPKIN, url(),
        Optional.of(Secret.of("s3cret")), Optional.empty(), 1 << 20), Duration.ofSeconds(5));

    assertThat(zipkin.trace(TRACE.toUpperCase()).orElseThrow().spans())
        .containsExactly(new TraceSpan(GATEWAY_SPAN, "", "envoy-gateway", "ingress"));
    assertThat(authorization).containsEntry("/api/v2/trace/" + TRACE, "Bearer s3cret");
    assertThatThrownBy(() -> zipkin.trace("abc")).hasMessageContaining("a trace id is 32 hex digits");
    assertThat(List.of(zipkin.describe())).containsExactly("zipkin at " + url() + "/");
  }

  private TraceBackend backend(Kind kind) {
    return TraceBackends.connect(TraceBackendEndpoint.unauthenticated(kind, url()), Duration.ofSeconds(5));
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = TraceBackendsTest.class.getResourceAsStream("/traces/" + name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  @DisplayName("Searching a service's traces in a window: Tempo's /api/search (tags, seconds) and Jaeger's "
      + "/api/traces (service, microseconds); ids padded to 32 hex digits")
  void search() throws IOException {
    answers.put("/api/search", new Answer(200, fixture("tempo-search.json")));
    answers.put("/api/traces", new Answer(200, fixture("jaeger-search.json")));
    java.time.Instant from = java.time.Instant.parse("2025-12-01T12:00:00Z");
    java.time.Instant to = from.plusSeconds(60);

    assertThat(backend(Kind.TEMPO).traceIds("deepseek-r1-7b", from, to, 20))
        .containsExactly(TRACE, "02f3e0cee77ae5dc9c17ade3689eb2e5");
    assertThat(queries.get("/api/search"))
        .isEqualTo("tags=service.name=deepseek-r1-7b&start=1764590400&end=1764590461&limit=20");
    assertThat(backend(Kind.JAEGER).traceIds("deepseek-r1-7b", from, to, 20)).containsExactly(TRACE);
    assertThat(queries.get("/api/traces"))
        .isEqualTo("service=deepseek-r1-7b&start=1764590400000000&end=1764590460000000&limit=20");
    answers.remove("/api/search");
    assertThat(backend(Kind.TEMPO).traceIds("deepseek-r1-7b", from, to, 20)).as("404").isEmpty();
  }
}
