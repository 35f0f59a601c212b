package run.tokenlabs.chaos.scenarios.traces;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;
import run.tokenlabs.chaos.lab.tracing.LabTracing;
import run.tokenlabs.chaos.lab.zipkin.ZipkinServer;
import run.tokenlabs.chaos.probes.api.Trace;
import run.tokenlabs.chaos.probes.api.TraceBackend;
import run.tokenlabs.chaos.probes.api.TraceSpan;
import run.tokenlabs.chaos.probes.traces.TraceBackends;

/**
 * The trace probe against a real Zipkin server, fed by the lab's tracing (OpenTelemetry SDK spans in Zipkin
 * JSON v2): a gateway span continuing a client's trace and a model span under it are read back with their
 * services and parents, and found by service; an unknown trace is none.
 */
class ZipkinTraceBackendIT {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String CLIENT_SPAN = "eee19b7ec3c1b173";
  @TempDir
  static Path work;
  static ZipkinServer zipkin;
  static LabTracing tracing;

  @BeforeAll
  static void start() throws Exception {
    zipkin = ZipkinServer.launch(work, ZipkinServer.freePort());
    zipkin.awaitReady(Duration.ofSeconds(120));
    tracing = new LabTracing(() -> Optional.of(zipkin.url()));
  }

  @AfterAll
  static void stop() {
    tracing.close();
    zipkin.close();
  }

  @Test
  @DisplayName("Spans exported by the lab's tracing are read back from Zipkin with services and parents")
  void readsBackTheLabsSpans() {
    Headers headers = new Headers();
    headers.add("traceparent", "00-" + TRACE + "-" + CLIENT_SPAN + "-01");
    Span gateway = tracing.tracer(LabTracing.GATEWAY_SERVICE).spanBuilder("ingress POST /v1/completions")
        .setParent(LabTracing.extract(headers)).setSpanKind(SpanKind.SERVER).startSpan();
    Span model = tracing.tracer("llama-3-1-8b").spanBuilder("llm_request").setParent(Context.root().with(gateway))
        .setSpanKind(SpanKind.SERVER).startSpan();
    model.end();
    gateway.end();
    assertThat(tracing.flush(Duration.ofSeconds(10))).isTrue();
    TraceBackend backend = TraceBackends.connect(TraceBackendEndpoint.unauthenticated(TraceBackendEndpoint.Kind.ZIPKIN,
        zipkin.url()), Duration.ofSeconds(10));

    Trace trace = backend.trace(TRACE).orElseThrow();

    String gatewayId = gateway.getSpanContext().getSpanId();
    assertThat(trace.spans()).containsExactlyInAnyOrder(
        new TraceSpan(gatewayId, CLIENT_SPAN, LabTracing.GATEWAY_SERVICE, "ingress post /v1/completions"),
        new TraceSpan(model.getSpanContext().getSpanId(), gatewayId, "llama-3-1-8b", "llm_request"));
    assertThat(trace.hasChildOf("llama-3-1-8b", LabTracing.GATEWAY_SERVICE)).isTrue();
    assertThat(tracing.stats(LabTracing.GATEWAY_SERVICE).reportsSent()).isPositive();
    assertThat(backend.trace("0000000000000000000000000000dead")).isEmpty();
    java.time.Instant now = java.time.Instant.now();
    assertThat(backend.traceIds("llama-3-1-8b", now.minusSeconds(600), now.plusSeconds(1), 10)).containsExactly(TRACE);
    assertThat(backend.traceIds("no-such-service", now.minusSeconds(600), now.plusSeconds(1), 10)).isEmpty();
  }
}
