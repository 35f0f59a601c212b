package run.tokenlabs.chaos.lab.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import run.tokenlabs.chaos.lab.http.HttpServers;
import run.tokenlabs.chaos.lab.http.OpenAiErrors;
import run.tokenlabs.chaos.lab.tracing.LabTracing;

/**
 * An Envoy-like reverse proxy in front of the model Services: routes a request by its JSON
 * {@code model} to a ready endpoint of the Service of that name, streams the answer through as it
 * arrives (no buffering), and counts like Envoy ({@link GatewayStats}, served on the admin port). Like
 * Envoy with a tracer, it starts a span for every request it proxies (continuing the trace of the
 * {@code traceparent} it received, if any) and sends the upstream its own span's {@code traceparent}.
 *
 * <p>What Envoy itself answers stays Envoy's plain text: {@code 503 no healthy upstream} when the
 * Service has no ready endpoint, {@code 503 upstream connect error ...} when the connection fails.
 * What an AI gateway answers for the OpenAI API is OpenAI-shaped, as Envoy AI Gateway does: an
 * unknown model is a 404 with the nested error body ({@link OpenAiErrors}), and
 * {@code GET /v1/models} lists the routed models ({@code owned_by: "Envoy AI Gateway"}, created
 * when the routes were), with {@code GET /v1/models/{id}} for one of them.
 */
public final class Gateway implements AutoCloseable {
  private static final String MODELS = "/v1/models";
  /** What Envoy AI Gateway writes as the owner of the models it routes. */
  static final String OWNED_BY = "Envoy AI Gateway";
  /** Passed on as received; the trace context is not: the gateway sends its own span's. */
  private static final Set<String> FORWARDED = Set.of("content-type", "accept", "authorization", "x-request-id");

  /** How long it tries to connect to a pod before it answers 503 (Envoy's cluster connect_timeout). */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private final Function<String, List<URI>> upstreams;
  private volatile UpstreamImpairment impairment = UpstreamImpairment.NONE;
  private final Set<String> models;
  private final GatewayStats stats;
  private final HttpServer server;
  private final HttpServer admin;
  private final OkHttpClient http;
  private final Tracer tracer;
  private final LabTracing ownTracing;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong roundRobin = new AtomicLong();
  private final long routesCreatedEpochSeconds = System.currentTimeMillis() / 1000;

  /**
   * @param upstreams ready endpoints of a model's Service, looked up per request
   * @param models the models that have a route (others get 404, as an unmatched Envoy route)
   */
  public Gateway(Function<String, List<URI>> upstreams, Set<String> models) throws IOException {
    this(upstreams, models, null);
  }

  /**
   * @param upstreams ready endpoints of a model's Service, looked up per request
   * @param models the models that have a route (others get 404, as an unmatched Envoy route)
   * @param tracing where its spans go ({@link LabTracing#GATEWAY_SERVICE}); null for spans no collector gets
   */
  public Gateway(Function<String, List<URI>> upstreams, Set<String> models, LabTracing tracing) throws IOException {
    this.upstreams = upstreams;
    this.models = Set.copyOf(models);
    this.ownTracing = tracing == null ? LabTracing.withoutCollector() : null;
    LabTracing traces = tracing == null ? ownTracing : tracing;
    this.tracer = traces.tracer(LabTracing.GATEWAY_SERVICE);
    this.stats = new GatewayStats(models, m -> upstreams.apply(m).size(), traces.stats(LabTracing.GATEWAY_SERVICE));
    // Pool limits are set for the lab's loads, never left at library defaults: an idle connection per
    // stream the gateway carries, kept 20 s, under the 30 s after which the pods' JDK servers close idle
    // ones (a reused connection the pod had closed would fail the request).
    this.http = new OkHttpClient.Builder()
        .connectionPool(new ConnectionPool(HttpServers.MAX_STREAMS, 20, TimeUnit.SECONDS))
        .connectTimeout(CONNECT_TIMEOUT).readTimeout(Duration.ZERO).writeTimeout(Duration.ofSeconds(30))
        .retryOnConnectionFailure(false).build();
    this.server = HttpServers.create(InetAddress.getLoopbackAddress(), "lab-gateway", HttpServers.MAX_STREAMS);
    server.createContext("/", this::route);
    this.admin = HttpServers.create(InetAddress.getLoopbackAddress(), "lab-gateway-admin", 4);
    admin.createContext("/stats/prometheus", ex -> HttpServers.send(ex, 200,
        run.tokenlabs.chaos.lab.metrics.TextFormat.CONTENT_TYPE, stats.render()));
    admin.createContext("/ready", ex -> HttpServers.text(ex, 200, "LIVE\n"));
    server.start();
    admin.start();
  }

  public URI uri() {
    return HttpServers.baseUri(server);
  }

  /** Envoy's admin {@code /stats/prometheus} URL. */
  public URI statsUrl() {
    return HttpServers.baseUri(admin).resolve("/stats/prometheus");
  }

  private void route(HttpExchange ex) throws IOException {
    byte[] body = HttpServers.readBody(ex);
    String path = ex.getRequestURI().getPath();
    if ("GET".equals(ex.getRequestMethod()) && (path.equals(MODELS) || path.startsWith(MODELS + "/"))) {
      models(ex, path);
      return;
    }
    if (!"POST".equals(ex.getRequestMethod())) {
      reply(ex, 404, OpenAiErrors.framework(404)); // no route: only the OpenAI API's POSTs are routed
      return;
    }
    String model = modelOf(body);
    if (model == null) {
      reply(ex, 400, OpenAiErrors.body("The request names no model: send a JSON body with a 'model' field",
          OpenAiErrors.BAD_REQUEST, "model", 400));
      return;
    }
    if (!models.contains(model)) {
      reply(ex, 404, OpenAiErrors.unknownModel(model));
      return;
    }
    List<URI> ready = upstreams.apply(model);
    if (ready.isEmpty()) {
      envoyReply(ex, model, 503, "no healthy upstream", false);
      return;
    }
    URI target = ready.get((int) (roundRobin.getAndIncrement() % ready.size()));
    if (impaired(ex, model, impairment.on(target))) {
      return;
    }
    proxy(ex, model, target.resolve(ex.getRequestURI().toString()), body);
  }

  /** Applies network and HTTP faults on the path to each upstream from now on ({@link UpstreamImpairment#NONE}: none). */
  public void impair(UpstreamImpairment value) {
    this.impairment = value;
  }

  /**
   * Plays the request's fate on its way to the pod; true when it ended here with Envoy's own answer
   * (the connect timeout of an unreachable pod, a connection the pod's side dropped).
   */
  private boolean impaired(HttpExchange ex, String model, UpstreamImpairment.Effect effect) throws IOException {
    if (effect.partitioned()) {
      hold(CONNECT_TIMEOUT);
      envoyReply(ex, model, 503, "upstream connect error or disconnect/reset before headers. reset reason: "
          + "connection timeout", true);
      return true;
    }
    hold(effect.delay());
    if (effect.aborted()) {
      envoyReply(ex, model, 503, "upstream connect error or disconnect/reset before headers. reset reason: "
          + "connection termination", true);
      return true;
    }
    return false;
  }

  /** The time a packet spends in the emulated network: this request's thread waits it out, as its connection would. */
  private static void hold(Duration time) throws IOException {
    if (time.isZero()) {
      return;
    }
    try {
      Thread.sleep(time.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the request was held in the emulated network", e);
    }
  }

  private void proxy(HttpExchange ex, String model, URI target, byte[] body) throws IOException {
    Span span = tracer.spanBuilder("ingress " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath())
        .setParent(LabTracing.extract(ex.getRequestHeaders())).setSpanKind(SpanKind.SERVER)
        .setAttribute("http.method", ex.getRequestMethod()).setAttribute("http.url", ex.getRequestURI().toString())
        .setAttribute("upstream_cluster", GatewayStats.cluster(model)).startSpan();
    stats.traced();
    try {
      proxy(ex, model, target, body, span);
    } finally {
      span.end();
    }
  }

  private void proxy(HttpExchange ex, String model, URI target, byte[] body, Span span) throws IOException {
    Request.Builder req = new Request.Builder().url(target.toString());
    ex.getRequestHeaders().forEach((name, values) -> {
      if (FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        values.forEach(v -> req.addHeader(name, v));
      }
    });
    LabTracing.inject(Context.root().with(span)).forEach(req::header);
    String contentType = ex.getRequestHeaders().getFirst("Content-Type");
    req.method(ex.getRequestMethod(), "GET".equals(ex.getRequestMethod()) ? null
        : RequestBody.create(body, MediaType.parse(contentType == null ? "application/json" : contentType)));
    long start = System.nanoTime();
    Response upstream;
    try {
      upstream = http.newCall(req.build()).execute();
    } catch (IOException e) {
      span.setAttribute("http.status_code", 503L);
      envoyReply(ex, model, 503, "upstream connect error or disconnect/reset before headers. reset reason: "
          + "connection failure", true);
      return;
    }
    try (upstream) {
      int status = upstream.code();
      span.setAttribute("http.status_code", (long) status);
      stats.upstream(model, status);
      stats.downstream(status);
      String type = upstream.header("Content-Type");
      if (type != null) {
        ex.getResponseHeaders().set("Content-Type", type);
      }
      ex.getResponseHeaders().set("x-envoy-upstream-service-time",
          String.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
      ex.sendResponseHeaders(status, 0);
      pump(upstream.body().source(), ex.getResponseBody());
      ex.close();
    }
  }

  /** Copies whatever bytes have arrived, flushing each read: SSE events pass through as they come. */
  private static void pump(BufferedSource source, OutputStream out) {
    byte[] buffer = new byte[16 * 1024];
    try {
      int n;
      while ((n = source.read(buffer)) != -1) {
        out.write(buffer, 0, n);
        out.flush();
      }
      out.close();
    } catch (IOException e) {
      // Upstream reset mid-stream (or the client left): reset downstream too, as Envoy does.
      throw HttpServers.resetConnection("upstream reset mid-stream: " + e.getMessage());
    }
  }

  /** A local reply of Envoy's own, plain text. */
  private void envoyReply(HttpExchange ex, String model, int status, String text, boolean upstreamTried)
      throws IOException {
    if (upstreamTried) {
      stats.upstream(model, status);
    }
    stats.downstream(status);
    HttpServers.text(ex, status, text);
  }

  /** A reply of the gateway's OpenAI layer, JSON. */
  private void reply(HttpExchange ex, int status, String json) throws IOException {
    stats.downstream(status);
    HttpServers.json(ex, status, json);
  }

  private void models(HttpExchange ex, String path) throws IOException {
    if (path.equals(MODELS) || path.equals(MODELS + "/")) {
      StringBuilder data = new StringBuilder();
      for (String m : new TreeSet<>(models)) {
        data.append(data.length() == 0 ? "" : ",").append(card(m));
      }
      reply(ex, 200, "{\"object\":\"list\",\"data\":[" + data + "]}");
      return;
    }
    String id = path.substring(MODELS.length() + 1);
    if (models.contains(id)) {
      reply(ex, 200, card(id));
    } else {
      reply(ex, 404, OpenAiErrors.unknownModel(id));
    }
  }

  private String card(String model) {
    return "{\"id\":\"" + OpenAiErrors.escape(model) + "\",\"object\":\"model\",\"created\":"
        + routesCreatedEpochSeconds + ",\"owned_by\":\"" + OWNED_BY + "\"}";
  }

  private String modelOf(byte[] body) {
    try {
      var node = json.readTree(body);
      return node == null ? null : node.path("model").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    HttpServers.stop(server);
    HttpServers.stop(admin);
    http.dispatcher().executorService().shutdownNow();
    http.connectionPool().evictAll();
    if (ownTracing != null) {
      ownTracing.close();
    }
  }
}
