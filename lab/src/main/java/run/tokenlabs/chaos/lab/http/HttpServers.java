package run.tokenlabs.chaos.lab.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

/**
 * Small helpers around the JDK's {@link HttpServer}: loopback servers on a free port, tuned as the
 * servers the lab imitates (no Nagle delay, every keep-alive connection kept; see
 * {@link JdkServerTuning}), with a growing pool of daemon handler threads, and the few response
 * shapes the lab needs.
 */
public final class HttpServers {
  /**
   * Concurrent streams a server that carries completions (a model pod, the gateway) is sized for:
   * each open stream holds one handler thread. Twice the 1,024 sessions the lab is tested with.
   */
  public static final int MAX_STREAMS = 2048;
  /** Pending connections the OS queues before the server accepts them: a whole session burst. */
  static final int ACCEPT_BACKLOG = MAX_STREAMS;

  static {
    JdkServerTuning.apply();
  }

  private HttpServers() {}

  /** A server on {@code host}, port chosen by the OS, with at most {@code maxThreads} handler threads. */
  public static HttpServer create(InetAddress host, String name, int maxThreads) throws IOException {
    return create(host, 0, name, maxThreads);
  }

  /** As {@link #create(InetAddress, String, int)}, on {@code port} (0: any free one). */
  public static HttpServer create(InetAddress host, int port, String name, int maxThreads) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), ACCEPT_BACKLOG);
    server.setExecutor(HandlerPool.create(name, maxThreads));
    return server;
  }

  /** Stops at once (open connections are closed) and ends the handler threads. */
  public static void stop(HttpServer server) {
    server.stop(0);
    if (server.getExecutor() instanceof ExecutorService pool) {
      pool.shutdownNow();
    }
  }

  public static URI baseUri(HttpServer server) {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
  }

  public static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  public static void json(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, "application/json", body);
  }

  public static void text(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, "text/plain; charset=utf-8", body);
  }

  /**
   * Drops the connection without a proper end: the JDK server closes the socket when a handler
   * throws, so a chunked response ends with no terminating chunk and the client sees a reset.
   */
  public static RuntimeException resetConnection(String why) {
    return new ConnectionReset(why);
  }

  /** Thrown by a handler to make the server close the connection abruptly. */
  static final class ConnectionReset extends RuntimeException {
    ConnectionReset(String why) {
      super(why, null, false, false);
    }
  }
}
