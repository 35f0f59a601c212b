package run.tokenlabs.chaos.lab.kube;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A TCP front that sends each connection to one of two HTTP servers by its first request: a request
 * that asks for {@code Upgrade: websocket} (kubectl exec, attach, port-forward) is tunnelled byte for
 * byte to the server that speaks websockets (only the subprotocol of the handshake is adjusted, see
 * {@link StreamProtocols}), every other connection to the plain one. The JDK's
 * {@code HttpServer}, which serves the lab's API to kubectl, cannot switch protocols, and the mock
 * server behind it cannot serve watches over plain HTTP, so each gets the connections it can answer.
 *
 * <p>The first request decides for the whole connection: clients open a new connection for each
 * websocket (kubectl's and the JDK's websocket clients do), so a kept-alive connection that began as
 * plain HTTP stays plain.
 */
final class UpgradeFront implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(UpgradeFront.class.getName());
  /** A request head larger than this is not an API request; the connection is closed. */
  static final int MAX_HEAD = 64 * 1024;
  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

  private final ServerSocket server;
  private final InetSocketAddress plain;
  private final InetSocketAddress upgrades;
  private final ExecutorService threads;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Listens on a free loopback port.
   *
   * @param plain where connections without an upgrade go
   * @param upgrades where connections that ask for a websocket go
   */
  UpgradeFront(URI plain, URI upgrades) throws IOException {
    this.plain = address(plain);
    this.upgrades = address(upgrades);
    this.server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "lab-kube-front-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    threads.execute(this::accept);
  }

  URI uri() {
    return URI.create("http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort());
  }

  private static InetSocketAddress address(URI uri) {
    return new InetSocketAddress(uri.getHost(), uri.getPort());
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          LOG.log(Level.WARNING, "the lab's Kubernetes API front stopped accepting connections", e);
        }
        return;
      }
    }
  }

  private void serve(Socket client) {
    Socket backend = null;
    try {
      client.setTcpNoDelay(true);
      byte[] head = readHead(client.getInputStream());
      if (head.length == 0) {
        return; // closed before a request: nothing to pass on
      }
      boolean webSocket = wantsWebSocket(head);
      backend = new Socket();
      open.add(backend);
      backend.connect(webSocket ? upgrades : plain, 5_000);
      backend.setTcpNoDelay(true);
      backend.getOutputStream().write(webSocket ? StreamProtocols.offer(head) : head);
      backend.getOutputStream().flush();
      Socket target = backend;
      threads.execute(() -> pump(client, target));
      if (webSocket) {
        byte[] answer = readHead(backend.getInputStream());
        client.getOutputStream().write(StreamProtocols.answer(head, answer));
        client.getOutputStream().flush();
      }
      pump(target, client);
    } catch (IOException e) {
      LOG.log(Level.FINE, "a connection through the lab's Kubernetes API front ended", e);
    } finally {
      close(client);
      close(backend);
    }
  }

  /**
   * The request head up to and including its blank line, or what came before the connection closed
   * (empty when nothing came). The body, if any, follows in the stream.
   */
  static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < HEAD_END.length) {
      int b = in.read();
      if (b < 0) {
        return head.toByteArray();
      }
      head.write(b);
      matched = b == HEAD_END[matched] ? matched + 1 : (b == HEAD_END[0] ? 1 : 0);
      if (head.size() > MAX_HEAD) {
        throw new IOException("request head longer than " + MAX_HEAD + " bytes without its blank line; "
            + "expected an HTTP/1.1 request");
      }
    }
    return head.toByteArray();
  }

  /** Whether the request head asks to switch to the websocket protocol. */
  static boolean wantsWebSocket(byte[] head) {
    for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Upgrade")
          && line.substring(colon + 1).toLowerCase(Locale.ROOT).contains("websocket")) {
        return true;
      }
    }
    return false;
  }

  /** Copies until {@code from} ends, then tells {@code to} that no more comes. */
  private void pump(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buffer = new byte[16 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // one side went away: closing both (the caller's finally) ends the other direction too
      close(from);
      close(to);
    }
  }

  private void close(Socket socket) {
    if (socket == null) {
      return;
    }
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing a socket of the lab's Kubernetes API front", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "closing the lab's Kubernetes API front", e);
    }
    open.forEach(this::close); // ends watches and websockets still open
    threads.shutdownNow();
  }
}
