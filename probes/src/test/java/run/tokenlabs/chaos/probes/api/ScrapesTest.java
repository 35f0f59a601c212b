package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An exporter that closes each keep-alive connection right after answering, as a server does with a
 * connection left idle past its timeout: the client's pool still holds it.
 */
class ScrapesTest {
  private static final String BODY = "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} 42\n";
  private ServerSocket server;
  private Thread acceptor;
  private final AtomicInteger connections = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::answerAndClose, "closing-exporter");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  @DisplayName("a one-shot read survives a pooled connection the exporter closed: it retries on a new one")
  void oneShotReadRetriesAClosedPooledConnection() throws IOException {
    URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/metrics");

    assertThat(Scrapes.fetch(Scrapes.oneShotClient(), uri, Duration.ofSeconds(5))).isEqualTo(BODY);
    assertThat(Scrapes.fetch(Scrapes.oneShotClient(), uri, Duration.ofSeconds(5))).isEqualTo(BODY);
    assertThat(connections).hasValue(2);
  }

  @Test
  @DisplayName("the sampler's client does not retry: a closed pooled connection is a failed scrape (a gap)")
  void samplerClientReportsTheClosedConnection() throws IOException {
    URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/metrics");

    assertThat(Scrapes.fetch(Scrapes.client(), uri, Duration.ofSeconds(5))).isEqualTo(BODY);
    assertThatThrownBy(() -> Scrapes.fetch(Scrapes.client(), uri, Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class);
  }

  /** Answers one request per connection with a keep-alive response, then closes the connection. */
  private void answerAndClose() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        connections.incrementAndGet();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          // request line and headers: a GET has no body
        }
        OutputStream out = socket.getOutputStream();
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: " + body.length
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // the server socket was closed by the test: stop
      }
    }
  }
}
