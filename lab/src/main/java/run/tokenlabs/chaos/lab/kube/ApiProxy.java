package run.tokenlabs.chaos.lab.kube;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import run.tokenlabs.chaos.lab.http.HttpServers;

/**
 * The lab's Kubernetes API as kubectl and other clients outside the JVM reach it: an HTTP front of the
 * mock server that passes every request through and serves watches over plain HTTP ({@link HttpWatch}),
 * which the mock only offers over websockets. Websocket upgrades (pods/exec) go the other way: an
 * {@link UpgradeFront} before the JDK server, which cannot switch protocols, tunnels them to the mock.
 * The kubeconfig points at the front; the lab's own fabric8 client talks to the mock directly.
 */
final class ApiProxy implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ApiProxy.class.getName());
  /** Headers a client sends that the store needs; hop-by-hop ones stay behind. */
  private static final List<String> FORWARDED = List.of("Accept", "Content-Type", "Authorization", "User-Agent");
  /** Enough for a few watching kubectl sessions beside the requests they make. */
  private static final int THREADS = 32;

  private final HttpServer server;
  private final URI backend;
  private final HttpClient http;
  private final HttpWatch watch;
  private final UpgradeFront front;
  private volatile boolean closed;

  ApiProxy(URI backend, Clock clock) throws IOException {
    this.backend = backend;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .build();
    this.watch = new HttpWatch(http, backend, clock);
    this.server = HttpServers.create(InetAddress.getLoopbackAddress(), "lab-kube-api", THREADS);
    server.createContext("/", this::handle);
    server.start();
    try {
      this.front = new UpgradeFront(HttpServers.baseUri(server), backend);
    } catch (IOException e) {
      HttpServers.stop(server);
      throw e;
    }
  }

  URI uri() {
    return front.uri();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      if ("GET".equals(exchange.getRequestMethod()) && HttpWatch.isWatch(exchange.getRequestURI().getRawQuery())) {
        watch.serve(exchange, () -> closed);
      } else {
        forward(exchange);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "Kubernetes API request " + exchange.getRequestURI() + " failed", e);
      throw e;
    } finally {
      exchange.close();
    }
  }

  private void forward(HttpExchange exchange) throws IOException {
    URI request = exchange.getRequestURI();
    String target = request.getRawPath() + (request.getRawQuery() == null ? "" : "?" + request.getRawQuery());
    byte[] body = HttpServers.readBody(exchange);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(backend.toString().replaceAll("/$", "") + target))
        .timeout(Duration.ofSeconds(60))
        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    for (String header : FORWARDED) {
      String value = exchange.getRequestHeaders().getFirst(header);
      if (value != null) {
        b.header(header, value);
      }
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(exchange, 503, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":503,"
          + "\"reason\":\"ServiceUnavailable\",\"message\":\"the lab is stopping\"}");
      return;
    }
    response.headers().firstValue("Content-Type")
        .ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
    byte[] answer = response.body();
    exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
    if (answer.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }
  }

  /** Answers with a JSON body (a Status) and the length known up front. */
  static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    closed = true;
    front.close();
    HttpServers.stop(server);
  }
}
