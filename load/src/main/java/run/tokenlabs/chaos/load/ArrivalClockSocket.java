package run.tokenlabs.chaos.load;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.LongSupplier;
import javax.net.SocketFactory;

/**
 * A plain TCP socket that remembers when its last read returned bytes, on the load's clock: the moment
 * a chunk reached the client, before OkHttp, the chunked framing, the SSE reader or the JSON decoder
 * worked on it. Reads happen only when the reader needs more bytes, so when an event has been parsed,
 * the last read is the one that delivered its final byte.
 */
final class ArrivalClockSocket extends Socket {
  private final LongSupplier clock;
  private volatile long lastReadNanos = -1;
  private InputStream timed;

  ArrivalClockSocket(LongSupplier clock) {
    this.clock = clock;
  }

  /** When the last read that returned bytes returned, on the load's clock; -1 before any. */
  long lastReadNanos() {
    return lastReadNanos;
  }

  @Override
  public synchronized InputStream getInputStream() throws IOException {
    if (timed == null) {
      timed = new FilterInputStream(super.getInputStream()) {
        @Override
        public int read() throws IOException {
          int b = in.read();
          if (b >= 0) {
            lastReadNanos = clock.getAsLong();
          }
          return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int n = in.read(buffer, offset, length);
          if (n > 0) {
            lastReadNanos = clock.getAsLong();
          }
          return n;
        }
      };
    }
    return timed;
  }

  /** Makes the sockets of a load's client; OkHttp creates them unconnected and connects them itself. */
  static SocketFactory factory(LongSupplier clock) {
    return new SocketFactory() {
      @Override
      public Socket createSocket() {
        return new ArrivalClockSocket(clock);
      }

      @Override
      public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
      }

      @Override
      public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
      }

      @Override
      public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
      }

      @Override
      public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
          throws IOException {
        return createSocket(address, port);
      }

      private Socket connected(InetSocketAddress address) throws IOException {
        var socket = new ArrivalClockSocket(clock);
        socket.connect(address);
        return socket;
      }
    };
  }
}
