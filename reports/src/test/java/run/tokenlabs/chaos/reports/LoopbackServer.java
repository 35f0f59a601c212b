package run.tokenlabs.chaos.reports;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves one directory on 127.0.0.1 at a free port, as a static web server would publish a report:
 * GET only, nothing outside the directory. A favicon request gets 204, so the browser logs no failed
 * load the report itself did not cause.
 */
final class LoopbackServer implements AutoCloseable {
  private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
      "text/javascript", "css", "text/css", "json", "application/json", "png", "image/png", "svg", "image/svg+xml",
      "txt", "text/plain; charset=utf-8", "csv", "text/csv", "ico", "image/x-icon", "woff", "font/woff");

  private final HttpServer server;
  private final Path root;

  LoopbackServer(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::serve);
    server.start();
  }

  /** The URL of a file under the root, e.g. {@code index.html}. */
  String url(String relative) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + relative;
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = URLDecoder.decode(exchange.getRequestURI().getPath(), StandardCharsets.UTF_8);
      if (path.endsWith("/favicon.ico")) {
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      Path file = root.resolve(path.substring(1)).normalize();
      if (!"GET".equals(exchange.getRequestMethod()) || !file.startsWith(root) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String name = file.getFileName().toString();
      String extension = name.substring(name.lastIndexOf('.') + 1);
      exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"));
      byte[] body = Files.readAllBytes(file);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
