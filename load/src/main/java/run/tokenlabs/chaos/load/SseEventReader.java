package run.tokenlabs.chaos.load;

import java.io.IOException;
import okio.BufferedSource;

/**
 * Reads Server-Sent Events from a byte stream, one event's data at a time, as the SSE specification
 * says: events end at a blank line; only {@code data:} lines carry payload (several are joined with
 * {@code \n}); lines starting with {@code :} are comments (keep-alives); other fields are ignored.
 * Lines may end with {@code \n} or {@code \r\n}. Bytes are buffered until a whole line is there, so
 * JSON split across network reads is reassembled.
 *
 * <p>At end of stream an event without its closing blank line is discarded (the specification's rule,
 * and the right one for a truncation checker: a cut {@code data: [DONE]} must not count).
 * {@link #endedMidEvent()} then says so.
 *
 * <p>Memory stays bounded whatever the server sends: a line longer than {@code maxLineBytes}, or an
 * event longer than {@code maxEventBytes}, is a protocol error ({@link SseBoundException}) raised as
 * soon as the bound is passed, without buffering more. An event's bytes are every line from the end
 * of the previous event to its own closing blank line, terminators included (comments and other
 * fields too: a server that never sends the blank line cannot grow an event by other means).
 */
final class SseEventReader {
  private final BufferedSource source;
  private final long maxLineBytes;
  private final long maxEventBytes;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private boolean endedMidEvent;
  private int commentLines;
  private int otherLines;
  private int events;
  private long eventBytes;
  private int eventLines;

  /** A reader whose events may be as long as its lines: only the line bound applies. */
  SseEventReader(BufferedSource source, long maxLineBytes) {
    this(source, maxLineBytes, Long.MAX_VALUE);
  }

  SseEventReader(BufferedSource source, long maxLineBytes, long maxEventBytes) {
    if (maxLineBytes < 1 || maxEventBytes < 1) {
      throw new IllegalArgumentException("SSE bounds must be >= 1 byte, were line " + maxLineBytes + ", event "
          + maxEventBytes);
    }
    this.source = source;
    this.maxLineBytes = maxLineBytes;
    this.maxEventBytes = maxEventBytes;
  }

  /** The data of the next event, or {@code null} at end of stream. Blocks until a whole event is read. */
  String next() throws IOException {
    return next(false);
  }

  /**
   * For a reader over a {@link okio.Buffer} that is filled as bytes arrive (the event loop): the data of the
   * next whole event in it, or null until more bytes come; a partial line stays in the buffer. The bounds
   * apply as they do to {@link #next()}. Call {@link #endOfInput()} when the stream has ended.
   */
  String nextBuffered() throws SseBoundException {
    try {
      return next(true);
    } catch (SseBoundException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("a buffered SSE source failed: " + e, e);
    }
  }

  /** The buffered stream ended: what is left of a partial event or line is discarded, as at end of stream. */
  void endOfInput() {
    endedMidEvent = hasData || endedMidEvent || source.getBuffer().size() > 0;
    source.getBuffer().clear();
  }

  private String next(boolean buffered) throws IOException {
    while (true) {
      String line = readLine(buffered);
      if (line == null) {
        if (!buffered) {
          endedMidEvent = hasData || endedMidEvent;
        }
        return null;
      }
      if (line.isEmpty()) {
        eventBytes = 0;
        eventLines = 0;
        if (hasData) {
          return dispatch();
        }
        continue;
      }
      acceptField(line);
    }
  }

  private String dispatch() {
    String payload = data.toString();
    data.setLength(0);
    hasData = false;
    events++;
    return payload;
  }

  private void acceptField(String line) {
    if (line.charAt(0) == ':') {
      commentLines++;
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    if (!field.equals("data")) {
      otherLines++;
      return;
    }
    int start = colon < 0 ? line.length() : colon + 1;
    if (start < line.length() && line.charAt(start) == ' ') {
      start++;
    }
    if (hasData) {
      data.append('\n');
    }
    data.append(line, start, line.length());
    hasData = true;
  }

  /**
   * A line without its terminator, or null at end of stream (a partial last line marks the end
   * mid-event). Scans no further than the line bound or what is left of the event's bound.
   */
  private String readLine(boolean buffered) throws IOException {
    long eventLeft = maxEventBytes - eventBytes;
    boolean eventBinds = eventLeft <= maxLineBytes;
    long scan = eventBinds ? eventLeft : maxLineBytes;
    long newline = source.indexOf((byte) '\n', 0, scan);
    if (newline < 0 && buffered) {
      if (source.getBuffer().size() >= scan) {
        throw eventBinds ? eventTooLarge() : lineTooLong();
      }
      return null;
    }
    if (newline < 0) {
      if (source.request(scan)) {
        throw eventBinds ? eventTooLarge() : lineTooLong();
      }
      if (!source.exhausted()) {
        source.skip(source.getBuffer().size());
        endedMidEvent = true;
      }
      return null;
    }
    eventBytes += newline + 1;
    eventLines++;
    String line = source.readUtf8(newline);
    source.skip(1);
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private SseBoundException lineTooLong() {
    return new SseBoundException(SseBoundException.Kind.LINE, maxLineBytes,
        "SSE line longer than " + maxLineBytes + " bytes: not an event stream");
  }

  private SseBoundException eventTooLarge() {
    return new SseBoundException(SseBoundException.Kind.EVENT, maxEventBytes,
        "SSE event longer than " + maxEventBytes + " bytes (the load's per-event bound, Bounds.maxEventBytes): "
            + eventLines + " lines came without the blank line that ends an event, and the client stopped reading; "
            + "if this server's events are really that large, raise it with Bounds.withMaxEventBytes");
  }

  /** True if the stream ended inside an event or a line: that event was discarded. */
  boolean endedMidEvent() {
    return endedMidEvent;
  }

  int commentLines() {
    return commentLines;
  }

  /** Non-blank lines that were neither data nor comments ({@code event:}, {@code id:}, or not SSE at all). */
  int otherLines() {
    return otherLines;
  }

  int events() {
    return events;
  }
}
