package run.tokenlabs.chaos.probes.api;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A {@code /metrics} endpoint on loopback whose exposition a test sets at will. */
final class TestExporter implements AutoCloseable {
  private final HttpServer server;
  private final AtomicReference<String> exposition = new AtomicReference<>("");
  final AtomicInteger scrapes = new AtomicInteger();

  TestExporter() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/metrics", exchange -> {
      scrapes.incrementAndGet();
      byte[] body = exposition.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  TestExporter serve(String text) {
    exposition.set(text);
    return this;
  }

  /** {@code 127.0.0.1:port}, as a scrape target. */
  String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  URI metricsUrl() {
    return URI.create("http://" + hostPort() + "/metrics");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
