package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import okio.Buffer;

/** One connection and the request it carries; touched by the loop's thread only. */
final class LoopConnection {
  final SocketChannel channel;
  final String origin;
  SelectionKey key;
  boolean connected;
  Exchange ex;
  private ByteBuffer[] out;
  private int outAt;
  final Buffer raw = new Buffer();
  final Buffer body = new Buffer();
  Http1ResponseFraming framing;
  SseEventReader sse;
  StreamReading reading;
  long lastReadNanos;
  boolean eof;
  /** The body broke (cut, or bad framing): nothing more is read, and this is the request's failure once its events are taken. */
  IOException cut;
  /** Read in this turn of the loop, waiting to be parsed. */
  boolean toParse;
  boolean paused;
  long resumeAt;
  long idleSince;

  LoopConnection(SocketChannel channel, String origin) {
    this.channel = channel;
    this.origin = origin;
  }

  void begin(Exchange ex, SlicedBody requestBody, byte[] commonHead, byte[] ownHead) {
    this.ex = ex;
    ByteBuffer[] slices = requestBody.byteBuffers();
    out = new ByteBuffer[slices.length + 2];
    out[0] = ByteBuffer.wrap(commonHead).asReadOnlyBuffer();
    out[1] = ByteBuffer.wrap(ownHead);
    System.arraycopy(slices, 0, out, 2, slices.length);
    outAt = 0;
    framing = new Http1ResponseFraming();
    raw.clear();
    body.clear();
    sse = null;
    reading = null;
    eof = false;
    cut = null;
  }

  /** Writes what the socket takes; true when the whole request is written. */
  boolean writeMore() throws IOException {
    while (outAt < out.length) {
      channel.write(out, outAt, out.length - outAt);
      while (outAt < out.length && !out[outAt].hasRemaining()) {
        outAt++;
      }
      if (outAt < out.length && out[outAt].hasRemaining()) {
        return false;
      }
    }
    out = null;
    return true;
  }

  boolean writing() {
    return out != null;
  }

  void end() {
    ex = null;
    out = null;
    sse = null;
    reading = null;
  }
}
