package run.tokenlabs.chaos.lab.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import run.tokenlabs.chaos.lab.api.ModelTracing;
import run.tokenlabs.chaos.lab.http.HttpServers;
import run.tokenlabs.chaos.lab.http.OpenAiErrors;
import run.tokenlabs.chaos.lab.metrics.TextFormat;
import run.tokenlabs.chaos.lab.tracing.LabTracing;

/**
 * One simulated model-server pod: a real HTTP server speaking the OpenAI API as vLLM serves it
 * ({@code /v1/completions}, {@code /v1/chat/completions}, {@code /v1/models}, {@code /v1/models/{id}},
 * {@code /tokenize}, {@code /health}, {@code /metrics}), backed by a {@link Scheduler} running on a
 * {@link StepLoop}. Closing it is the pod dying: the listener goes away and every open stream is cut.
 */
public final class ModelServer implements AutoCloseable {
  private final SimulatorConfig config;
  private final FaultState faults;
  private final EngineMetrics metrics;
  private final MetricsExposition exposition;
  private final StepLoop loop;
  private final StepWriter writer;
  private final HttpServer server;
  private final CompletionHandler completions;
  private final Set<HttpExchange> open = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicLong tracedRequests = new java.util.concurrent.atomic.AtomicLong();
  private volatile String lastTraceparent = "";
  private volatile boolean closed;
  private final LabTracing tracing;
  private final LabTracing ownTracing;

  public ModelServer(SimulatorConfig config, FaultState faults, InetAddress host) throws IOException {
    this(config, faults, host, null);
  }

  /**
   * @param tracing where its spans go (service name: the model), and how it traces
   *     ({@link LabTracing#modelTracing}); null for spans no collector gets
   */
  public ModelServer(SimulatorConfig config, FaultState faults, InetAddress host, LabTracing tracing)
      throws IOException {
    this(config, faults, host, 0, tracing);
  }

  /**
   * A server on {@code port} (0: any free one): a restarted container keeps its pod's address, so
   * Prometheus sees its counters start again from 0 in the same series.
   */
  public ModelServer(SimulatorConfig config, FaultState faults, InetAddress host, int port, LabTracing tracing)
      throws IOException {
    this.ownTracing = tracing == null ? LabTracing.withoutCollector() : null;
    this.tracing = tracing == null ? ownTracing : tracing;
    this.config = config;
    this.faults = faults;
    this.metrics = new EngineMetrics(config.scheduler().maxModelLen());
    this.exposition = new MetricsExposition(config.flavor(), config.modelName(), config.scheduler().kvBlocks());
    Scheduler scheduler = new Scheduler(config.scheduler(), metrics);
    this.writer = new StepWriter(config.modelName());
    this.loop = new StepLoop(config.modelName(), scheduler, config.cost(), config.timeScale(), faults)
        .afterEachStep(writer::stepEnded);
    ObjectMapper json = new ObjectMapper();
    this.completions = new CompletionHandler(config, faults, metrics, loop, writer, json);
    this.server = HttpServers.create(host, port, "lab-sim-" + config.modelName(), HttpServers.MAX_STREAMS);
    server.createContext("/v1/completions", ex -> guarded(ex, () -> traced(ex, false)));
    server.createContext("/v1/chat/completions", ex -> guarded(ex, () -> traced(ex, true)));
    server.createContext("/v1/models", ex -> guarded(ex, () -> new ModelCards(config).answer(ex)));
    server.createContext("/tokenize", ex -> guarded(ex, () -> completions.tokenize(ex)));
    server.createContext("/health", ex -> guarded(ex, () -> HttpServers.send(ex, 200, "application/json", "")));
    server.createContext("/metrics", ex -> guarded(ex, () ->
        HttpServers.send(ex, 200, TextFormat.CONTENT_TYPE, exposition.render(metrics, open.size()))));
    server.createContext("/", ex -> guarded(ex, () -> HttpServers.json(ex, 404, OpenAiErrors.framework(404))));
  }

  /**
   * Remembers the W3C trace context a request arrived with, so tests can see whether the gateway
   * passed {@code traceparent} on (the reference run found it silently dropped).
   */
  private void noteTraceContext(HttpExchange ex) {
    String traceparent = ex.getRequestHeaders().getFirst("traceparent");
    if (traceparent != null) {
      tracedRequests.incrementAndGet();
      lastTraceparent = traceparent;
    }
  }

  /**
   * Serves a completion inside its span, named {@code llm_request} as vLLM's, unless this model is switched
   * to emit none; a model switched to drop {@code traceparent} starts a new trace instead of continuing
   * the caller's.
   */
  private void traced(HttpExchange ex, boolean chat) throws IOException {
    noteTraceContext(ex);
    ModelTracing mode = tracing.modelTracing(config.modelName());
    if (mode == ModelTracing.SILENT) {
      completions.handle(ex, chat);
      return;
    }
    Context parent = mode == ModelTracing.PROPAGATES ? LabTracing.extract(ex.getRequestHeaders()) : Context.root();
    Span span = tracing.tracer(config.modelName()).spanBuilder("llm_request").setParent(parent)
        .setSpanKind(SpanKind.SERVER).setAttribute("gen_ai.request.model", config.modelName())
        .setAttribute("http.url", ex.getRequestURI().toString()).startSpan();
    try {
      completions.handle(ex, chat);
    } finally {
      span.end();
    }
  }

  /** Requests that arrived with a {@code traceparent} header. */
  public long tracedRequests() {
    return tracedRequests.get();
  }

  /** The last {@code traceparent} received, or "" if none. */
  public String lastTraceparent() {
    return lastTraceparent;
  }

  public ModelServer start() {
    writer.start();
    loop.start();
    server.start();
    return this;
  }

  /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
  public URI uri() {
    return HttpServers.baseUri(server);
  }

  public SimulatorConfig config() {
    return config;
  }

  public EngineMetrics metrics() {
    return metrics;
  }

  public FaultState faults() {
    return faults;
  }

  public StepLoop loop() {
    return loop;
  }

  /** Turns chunked prefill on or off from the next step on. */
  public void setChunkedPrefill(boolean on) {
    loop.scheduler().reconfigure(loop.scheduler().config().withChunkedPrefill(on, config.chunkedBudget()));
  }

  /** Turns prefix caching on or off from the next step on; off forgets the cached blocks no request holds. */
  public void setPrefixCaching(boolean on) {
    loop.scheduler().setPrefixCaching(on);
  }

  public boolean isClosed() {
    return closed;
  }

  /** The pod dies: no more connections, every stream cut now. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.close(); // aborts every sequence: each stream goes back to its handler thread, which cuts it
    HttpServers.stop(server); // first: a write blocked on a reader is released, not waited for by the writer's close
    writer.close();
    if (ownTracing != null) {
      ownTracing.close();
    }
  }

  /**
   * Runs a handler; a dead pod refuses, and any failure still ends the exchange. Every answered
   * request is counted as vLLM's HTTP instrumentation counts it, under its route.
   */
  private void guarded(HttpExchange ex, IoAction action) throws IOException {
    if (closed) {
      throw HttpServers.resetConnection("pod is gone");
    }
    long start = System.nanoTime();
    open.add(ex);
    try {
      action.run();
    } finally {
      open.remove(ex);
      instrument(ex, start);
    }
  }

  private void instrument(HttpExchange ex, long startNanos) {
    int status = ex.getResponseCode();
    if (status < 0) {
      return; // reset before any answer: nothing for the instrumentation to see
    }
    metrics.http.record(route(ex), ex.getRequestMethod(), status, contentLength(ex.getRequestHeaders()),
        contentLength(ex.getResponseHeaders()), (System.nanoTime() - startNanos) / 1e9);
  }

  /** The route template the instrumentation labels a request with; {@code none} when no route matched. */
  private static String route(HttpExchange ex) {
    String context = ex.getHttpContext().getPath();
    if (context.equals("/")) {
      return "none";
    }
    boolean oneModel = context.equals("/v1/models") && ex.getRequestURI().getPath().length() > context.length() + 1;
    return oneModel ? "/v1/models/{model}" : context;
  }

  private static long contentLength(com.sun.net.httpserver.Headers headers) {
    String value = headers.getFirst("Content-length");
    try {
      return value == null ? 0 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @FunctionalInterface
  interface IoAction {
    void run() throws IOException;
  }
}
