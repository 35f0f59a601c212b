package run.tokenlabs.chaos.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.Locale;
import okio.Buffer;

/**
 * Reads one HTTP/1.1 response incrementally, as the event loop's socket reads deliver bytes: the status
 * line and headers, then the body by its framing (chunked, {@code Content-Length}, or until the server
 * closes), the framing's bytes removed. Interim responses (1xx) are skipped. The head is bounded, and
 * a malformed head or chunk header is a {@link ProtocolException}, as OkHttp reports them.
 */
final class Http1ResponseFraming {
  /** The most bytes the status line and headers together may take. */
  static final long MAX_HEAD_BYTES = 64 * 1024;
  /** The longest chunk-size line (hex size and extensions). */
  private static final long MAX_CHUNK_LINE = 1024;

  private enum State { STATUS, HEADERS, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, FIXED, UNTIL_CLOSE, DONE }

  private State state = State.STATUS;
  private long headBytes;
  private int status = -1;
  private String contentType;
  private long contentLength = -1;
  private boolean chunked;
  private boolean closeAfter;
  private long left;
  private boolean headersDone;

  /**
   * Takes what {@code raw} holds and appends the body bytes in it to {@code body}; a partial line stays in
   * {@code raw} until more bytes come.
   */
  void feed(Buffer raw, Buffer body) throws ProtocolException {
    while (true) {
      switch (state) {
        case STATUS, HEADERS, TRAILERS -> {
          String line = headLine(raw);
          if (line == null) {
            return;
          }
          onHeadLine(line);
        }
        case CHUNK_SIZE -> {
          String line = line(raw, MAX_CHUNK_LINE, "chunk size line");
          if (line == null) {
            return;
          }
          left = chunkSize(line);
          state = left == 0 ? State.TRAILERS : State.CHUNK_DATA;
        }
        case CHUNK_DATA, FIXED -> {
          long n = Math.min(left, raw.size());
          if (n == 0 && left > 0) {
            return;
          }
          body.write(raw, n);
          left -= n;
          if (left == 0) {
            state = state == State.FIXED ? State.DONE : State.CHUNK_END;
          }
        }
        case CHUNK_END -> {
          if (!chunkEnd(raw)) {
            return;
          }
          state = State.CHUNK_SIZE;
        }
        case UNTIL_CLOSE -> {
          body.write(raw, raw.size());
          return;
        }
        case DONE -> {
          return;
        }
      }
    }
  }

  /** The server closed the connection: fine for a body that ends at close, a cut response otherwise. */
  void endOfInput(String origin) throws IOException {
    switch (state) {
      case UNTIL_CLOSE -> state = State.DONE;
      case DONE -> { }
      case STATUS -> throw new IOException("unexpected end of stream on " + origin + ": the server closed the connection"
          + " before the status line", new EOFException());
      case HEADERS -> throw new ProtocolException("unexpected end of stream: the server closed the connection inside"
          + " the response headers");
      default -> throw new ProtocolException("unexpected end of stream");
    }
  }

  boolean headersDone() {
    return headersDone;
  }

  /** The whole response has been read. */
  boolean done() {
    return state == State.DONE;
  }

  /** The connection may carry another request once this response is done. */
  boolean reusable() {
    return state == State.DONE && !closeAfter;
  }

  int status() {
    return status;
  }

  String contentType() {
    return contentType;
  }

  /** Takes the CRLF (or a bare LF) after a chunk's data; false until it is there, an error if something else is. */
  private static boolean chunkEnd(Buffer raw) throws ProtocolException {
    if (raw.size() > 0 && raw.getByte(0) == '\n') {
      skip(raw, 1);
      return true;
    }
    if (raw.size() < 2) {
      return false;
    }
    if (raw.getByte(0) == '\r' && raw.getByte(1) == '\n') {
      skip(raw, 2);
      return true;
    }
    String seen = raw.snapshot((int) Math.min(raw.size(), 16)).utf8();
    throw new ProtocolException("expected CRLF after a chunk's data (its length as its size line said), got '"
        + printable(seen) + "': the chunk is longer than its size, or the stream is not chunked");
  }

  private static void skip(Buffer raw, long n) {
    try {
      raw.skip(n);
    } catch (EOFException e) {
      throw new IllegalStateException(e); // skips no more than the buffer holds
    }
  }

  private String headLine(Buffer raw) throws ProtocolException {
    String line = line(raw, MAX_HEAD_BYTES - headBytes, "response head");
    if (line != null) {
      headBytes += line.length() + 2;
    }
    return line;
  }

  /** One CRLF- or LF-ended line without its terminator, or null until it is whole; longer than {@code max}: an error. */
  private static String line(Buffer raw, long max, String what) throws ProtocolException {
    long newline = raw.indexOf((byte) '\n', 0, Math.max(0, max));
    if (newline < 0) {
      if (raw.size() >= max) {
        throw new ProtocolException("HTTP " + what + " longer than " + max + " bytes: not an HTTP/1.1 response");
      }
      return null;
    }
    String line;
    try {
      line = raw.readUtf8(newline);
      raw.skip(1);
    } catch (EOFException e) {
      throw new IllegalStateException(e); // reads no more than the buffer holds
    }
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private void onHeadLine(String line) throws ProtocolException {
    if (state == State.TRAILERS) {
      if (line.isEmpty()) {
        state = State.DONE;
      }
      return;
    }
    if (state == State.STATUS) {
      status = statusCode(line);
      closeAfter = line.startsWith("HTTP/1.0");
      state = State.HEADERS;
      return;
    }
    if (!line.isEmpty()) {
      header(line);
      return;
    }
    if (status >= 100 && status < 200) { // an interim response: the real one follows
      contentType = null;
      contentLength = -1;
      chunked = false;
      state = State.STATUS;
      return;
    }
    headersDone = true;
    if (status == 204 || status == 304) {
      state = State.DONE;
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (contentLength >= 0) {
      left = contentLength;
      state = left == 0 ? State.DONE : State.FIXED;
    } else {
      closeAfter = true;
      state = State.UNTIL_CLOSE;
    }
  }

  private void header(String line) throws ProtocolException {
    int colon = line.indexOf(':');
    if (colon <= 0) {
      return; // OkHttp keeps such a line leniently, as a header without a name; it frames nothing
    }
    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = line.substring(colon + 1).trim();
    switch (name) {
      case "content-type" -> contentType = value;
      case "content-length" -> {
        try {
          contentLength = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new ProtocolException("malformed Content-Length '" + printable(value) + "'");
        }
        if (contentLength < 0) {
          throw new ProtocolException("negative Content-Length " + contentLength);
        }
      }
      case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
      case "connection" -> closeAfter |= value.toLowerCase(Locale.ROOT).contains("close");
      default -> { }
    }
  }

  private static int statusCode(String line) throws ProtocolException {
    // "HTTP/1.1 200 OK": the code is the three digits after the first space
    if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
      throw new ProtocolException("unexpected status line: '" + printable(line) + "'");
    }
    try {
      return Integer.parseInt(line.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new ProtocolException("unexpected status line: '" + printable(line) + "'");
    }
  }

  private static long chunkSize(String line) throws ProtocolException {
    int end = line.indexOf(';');
    String hex = (end < 0 ? line : line.substring(0, end)).trim();
    try {
      if (hex.isEmpty() || hex.charAt(0) == '+' || hex.charAt(0) == '-') {
        throw new NumberFormatException();
      }
      long size = Long.parseLong(hex, 16);
      return size;
    } catch (NumberFormatException e) {
      throw new ProtocolException("expected chunk size and optional extensions but was '" + printable(line) + "'");
    }
  }

  private static String printable(String text) {
    String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
