package run.tokenlabs.chaos.lab.tracing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sends the SDK's finished spans to a Zipkin collector as its JSON v2 ({@code POST <base><path>}, the
 * API Envoy's Zipkin tracer and Tempo's Zipkin receiver speak), one report per batch, counting the
 * outcome in {@link ExportStats}. OpenTelemetry Java stopped publishing its Zipkin exporter, and Zipkin
 * takes no OTLP, so the lab encodes the few fields a trace view needs itself.
 */
final class ZipkinJsonExporter implements SpanExporter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<Optional<URI>> collector;
  private final Supplier<String> path;
  private final ExportStats stats;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param collector the collector's base URL, empty while there is none
   * @param path the path reports are posted to: {@code /api/v2/spans}, or a wrong one to misconfigure it
   */
  ZipkinJsonExporter(Supplier<Optional<URI>> collector, Supplier<String> path, ExportStats stats) {
    this.collector = collector;
    this.path = path;
    this.stats = stats;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    Optional<URI> base = collector.get();
    if (base.isEmpty()) {
      stats.reportsSkippedNoCluster.incrementAndGet();
      return CompletableResultCode.ofSuccess();
    }
    stats.spansSent.addAndGet(spans.size());
    try {
      HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(base.get().resolve(path.get()))
          .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(encode(spans))).build(), HttpResponse.BodyHandlers.discarding());
      if (answer.statusCode() / 100 == 2) {
        stats.reportsSent.incrementAndGet();
        return CompletableResultCode.ofSuccess();
      }
      stats.reportsDropped.incrementAndGet();
    } catch (IOException e) {
      stats.reportsFailed.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stats.reportsFailed.incrementAndGet();
    }
    return CompletableResultCode.ofFailure();
  }

  /** Zipkin's JSON v2: ids in hex, times in microseconds, attributes as string tags. */
  static String encode(Collection<SpanData> spans) {
    ArrayNode array = JSON.createArrayNode();
    for (SpanData span : spans) {
      ObjectNode node = array.addObject();
      node.put("traceId", span.getTraceId());
      node.put("id", span.getSpanId());
      if (span.getParentSpanContext().isValid()) {
        node.put("parentId", span.getParentSpanId());
      }
      kind(span.getKind()).ifPresent(k -> node.put("kind", k));
      node.put("name", span.getName());
      node.put("timestamp", span.getStartEpochNanos() / 1000);
      node.put("duration", Math.max(1, (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1000));
      node.putObject("localEndpoint").put("serviceName",
          span.getResource().getAttribute(AttributeKey.stringKey("service.name")));
      ObjectNode tags = node.putObject("tags");
      span.getAttributes().forEach((key, value) -> tags.put(key.getKey(), String.valueOf(value)));
    }
    return array.toString();
  }

  private static Optional<String> kind(SpanKind kind) {
    return switch (kind) {
      case SERVER -> Optional.of("SERVER");
      case CLIENT -> Optional.of("CLIENT");
      case PRODUCER -> Optional.of("PRODUCER");
      case CONSUMER -> Optional.of("CONSUMER");
      case INTERNAL -> Optional.empty();
    };
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
