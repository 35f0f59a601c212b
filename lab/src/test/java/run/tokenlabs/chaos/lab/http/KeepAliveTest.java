package run.tokenlabs.chaos.lab.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A lab server keeps every keep-alive connection a client holds, as the servers it imitates do. The
 * JDK's default closes all but 200 idle ones, so a client's pooled connections fail under it.
 */
class KeepAliveTest {
  private static final int CONNECTIONS = 1024;

  private HttpServer server;
  private final List<Socket> clients = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServers.create(InetAddress.getLoopbackAddress(), "keep-alive-test", 8);
    server.createContext("/", ex -> HttpServers.text(ex, 200, "ok"));
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : clients) {
      s.close();
    }
    HttpServers.stop(server);
  }

  @Test
  @DisplayName("1,024 connections answered once and left idle are all still open for a second request")
  void idleConnectionsStayOpen() throws IOException {
    InetSocketAddress address = server.getAddress();
    for (int i = 0; i < CONNECTIONS; i++) {
      Socket s = new Socket(address.getAddress(), address.getPort());
      s.setSoTimeout(10_000);
      clients.add(s);
      assertThat(exchange(s)).as("first answer on connection %d", i).isEqualTo("ok");
    }
    // Every connection is now idle on the server at once; each must still carry a request.
    List<Integer> closed = new ArrayList<>();
    for (int i = 0; i < CONNECTIONS; i++) {
      if (!"ok".equals(exchange(clients.get(i)))) {
        closed.add(i);
      }
    }
    assertThat(closed).as("connections the server closed while idle (of %d)", CONNECTIONS).isEmpty();
  }

  /** One request on the connection; the body answered, or null if the server had closed it. */
  private static String exchange(Socket s) {
    try {
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: lab\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return body(s.getInputStream());
    } catch (IOException e) {
      return null;
    }
  }

  private static String body(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
    }
    int length = 0;
    for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return body.length == length ? new String(body, StandardCharsets.UTF_8) : null;
  }
}
