package run.tokenlabs.chaos.lab.tracing;

import com.sun.net.httpserver.Headers;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import run.tokenlabs.chaos.lab.api.ModelTracing;

/**
 * The lab's tracing: one OpenTelemetry SDK tracer provider per service (the gateway, each model), sampling
 * every request, batching finished spans to the lab's Zipkin server, and the switches that break it as the
 * reference run found it broken (a model that drops {@code traceparent} or emits nothing, a gateway
 * exporter posting to a path the collector does not take).
 */
public final class LabTracing implements AutoCloseable {
  /** The gateway's service name in its spans. */
  public static final String GATEWAY_SERVICE = "envoy-gateway";
  /** Zipkin's span intake. */
  public static final String SPANS_PATH = "/api/v2/spans";
  /** OTLP/HTTP's path: what an exporter set for the wrong protocol posts to, and Zipkin answers 404. */
  public static final String OTLP_PATH = "/v1/traces";
  private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Headers carrier, String key) {
      return carrier == null ? null : carrier.getFirst(key);
    }
  };

  private final Supplier<Optional<URI>> collector;
  private final Map<String, Component> components = new ConcurrentHashMap<>();
  private final Map<String, ModelTracing> modelModes = new ConcurrentHashMap<>();
  private volatile String gatewayPath = SPANS_PATH;

  private record Component(SdkTracerProvider provider, Tracer tracer, ExportStats stats) {}

  /** @param collector the Zipkin server's base URL, empty while it is not running (reports are then skipped) */
  public LabTracing(Supplier<Optional<URI>> collector) {
    this.collector = collector;
  }

  /** Tracing with no collector: spans are created and their reports skipped (for a gateway or server alone). */
  public static LabTracing withoutCollector() {
    return new LabTracing(Optional::empty);
  }

  /** The tracer of a service, created on first use. */
  public Tracer tracer(String service) {
    return component(service).tracer();
  }

  /** What the exporter of a service did so far. */
  public ExportStats stats(String service) {
    return component(service).stats();
  }

  private Component component(String service) {
    return components.computeIfAbsent(service, s -> {
      ExportStats stats = new ExportStats();
      Supplier<String> path = GATEWAY_SERVICE.equals(s) ? () -> gatewayPath : () -> SPANS_PATH;
      SdkTracerProvider provider = SdkTracerProvider.builder()
          .setResource(Resource.getDefault().merge(Resource.builder()
              .put(AttributeKey.stringKey("service.name"), s).build()))
          .setSampler(Sampler.alwaysOn())
          // flushed every 200 ms: an experiment reads the backend seconds after its requests, not minutes
          .addSpanProcessor(BatchSpanProcessor.builder(new ZipkinJsonExporter(collector, path, stats))
              .setScheduleDelay(Duration.ofMillis(200)).setExporterTimeout(Duration.ofSeconds(10)).build())
          .build();
      return new Component(provider, provider.get("run.tokenlabs.chaos.lab"), stats);
    });
  }

  /** Where the gateway's exporter posts: {@link #SPANS_PATH}, or {@link #OTLP_PATH} when misconfigured. */
  public void setGatewayExportPath(String path) {
    this.gatewayPath = path;
  }

  public String gatewayExportPath() {
    return gatewayPath;
  }

  /** How a model's servers trace ({@link ModelTracing#PROPAGATES} unless switched). */
  public ModelTracing modelTracing(String model) {
    return modelModes.getOrDefault(model, ModelTracing.PROPAGATES);
  }

  public void setModelTracing(String model, ModelTracing mode) {
    modelModes.put(model, mode);
  }

  /** Exports every span finished so far, waiting at most {@code timeout}; true when all exports completed. */
  public boolean flush(Duration timeout) {
    List<CompletableResultCode> flushes = components.values().stream().map(c -> c.provider().forceFlush()).toList();
    return CompletableResultCode.ofAll(flushes).join(timeout.toMillis(), TimeUnit.MILLISECONDS).isDone();
  }

  /** The trace context a request arrived with ({@code traceparent}), or the root context when it has none. */
  public static Context extract(Headers headers) {
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
  }

  /** The headers ({@code traceparent}, {@code tracestate}) that carry {@code context} to the next hop. */
  public static Map<String, String> inject(Context context) {
    Map<String, String> headers = new HashMap<>();
    W3CTraceContextPropagator.getInstance().inject(context, headers, (carrier, key, value) -> carrier.put(key, value));
    return headers;
  }

  @Override
  public void close() {
    components.values().forEach(c -> c.provider().shutdown().join(5, TimeUnit.SECONDS));
  }
}
