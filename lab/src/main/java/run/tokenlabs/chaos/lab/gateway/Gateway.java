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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import run.tokenlabs.chaos.lab.http.HttpServers;

/**
 * An Envoy-like reverse proxy in front of the model Services: routes a request by its JSON
 * {@code model} to a ready endpoint of the Service of that name, streams the answer through as it
 * arrives (no buffering), answers {@code 503 no healthy upstream} when there is none, passes
 * {@code traceparent} on, and counts like Envoy ({@link GatewayStats}, served on the admin port).
 */
public final class Gateway implements AutoCloseable {
  private static final Set<String> FORWARDED = Set.of("content-type", "accept", "authorization", "traceparent",
      "tracestate", "x-request-id");

  private final Function<String, List<URI>> upstreams;
  private final Set<String> models;
  private final GatewayStats stats;
  private final HttpServer server;
  private final HttpServer admin;
  private final OkHttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong roundRobin = new AtomicLong();

  /**
   * @param upstreams ready endpoints of a model's Service, looked up per request
   * @param models the models that have a route (others get 404, as an unmatched Envoy route)
   */
  public Gateway(Function<String, List<URI>> upstreams, Set<String> models) throws IOException {
    this.upstreams = upstreams;
    this.models = Set.copyOf(models);
    this.stats = new GatewayStats(models, m -> upstreams.apply(m).size());
    // Pool limits are set for the lab's loads, never left at library defaults (DESIGN section 7).
    this.http = new OkHttpClient.Builder().connectionPool(new ConnectionPool(256, 1, TimeUnit.MINUTES))
        .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ZERO).writeTimeout(Duration.ofSeconds(30))
        .retryOnConnectionFailure(false).build();
    this.server = HttpServers.create(InetAddress.getLoopbackAddress(), "lab-gateway", 512);
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
    String path = ex.getRequestURI().toString();
    if ("GET".equals(ex.getRequestMethod()) && path.startsWith("/v1/models")) {
      modelList(ex);
      return;
    }
    String model = modelOf(body);
    if (model == null || !models.contains(model)) {
      stats.downstream(404);
      HttpServers.send(ex, 404, "text/plain", "");
      return;
    }
    List<URI> ready = upstreams.apply(model);
    if (ready.isEmpty()) {
      reply(ex, model, 503, "no healthy upstream", false);
      return;
    }
    URI target = ready.get((int) (roundRobin.getAndIncrement() % ready.size()));
    proxy(ex, model, target.resolve(path), body);
  }

  private void proxy(HttpExchange ex, String model, URI target, byte[] body) throws IOException {
    Request.Builder req = new Request.Builder().url(target.toString());
    ex.getRequestHeaders().forEach((name, values) -> {
      if (FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        values.forEach(v -> req.addHeader(name, v));
      }
    });
    String contentType = ex.getRequestHeaders().getFirst("Content-Type");
    req.method(ex.getRequestMethod(), "GET".equals(ex.getRequestMethod()) ? null
        : RequestBody.create(body, MediaType.parse(contentType == null ? "application/json" : contentType)));
    long start = System.nanoTime();
    Response upstream;
    try {
      upstream = http.newCall(req.build()).execute();
    } catch (IOException e) {
      reply(ex, model, 503, "upstream connect error or disconnect/reset before headers. reset reason: "
          + "connection failure", true);
      return;
    }
    try (upstream) {
      int status = upstream.code();
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

  private void reply(HttpExchange ex, String model, int status, String text, boolean upstreamTried)
      throws IOException {
    if (upstreamTried) {
      stats.upstream(model, status);
    }
    stats.downstream(status);
    HttpServers.send(ex, status, "text/plain", text);
  }

  private void modelList(HttpExchange ex) throws IOException {
    StringBuilder data = new StringBuilder();
    for (String m : models) {
      data.append(data.length() == 0 ? "" : ",").append("{\"id\":\"").append(m).append("\",\"object\":\"model\"}");
    }
    stats.downstream(200);
    HttpServers.json(ex, 200, "{\"object\":\"list\",\"data\":[" + data + "]}");
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
  }
}
