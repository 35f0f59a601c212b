package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SseEventReaderTest {

  @Test
  void commentsAndKeepAlivesAreSkipped() throws IOException {
    var reader = reader(": ping\n\ndata: a\n\n:keep-alive\n\n: another\ndata: b\n\n", 1000);

    assertThat(all(reader)).containsExactly("a", "b");
    assertThat(reader.commentLines()).isEqualTo(3);
  }

  @Test
  @DisplayName("multi-line data is joined with newlines, one optional leading space stripped per line")
  void multiLineData() throws IOException {
    var reader = reader("data: {\"a\":\ndata:1}\n\ndata:  two spaces\n\n", 1000);

    assertThat(all(reader)).containsExactly("{\"a\":\n1}", " two spaces");
  }

  @Test
  void crlfLineEndingsAndOtherFields() throws IOException {
    var reader = reader("event: message\r\nid: 4\r\ndata: x\r\n\r\nretry: 10\r\n\r\n", 1000);

    assertThat(all(reader)).containsExactly("x");
    assertThat(reader.otherLines()).isEqualTo(3);
  }

  @Test
  @DisplayName("an event split across many one-byte reads is reassembled whole")
  void eventsSplitAcrossReads() throws IOException {
    String stream = "data: {\"choices\":[{\"text\":\"hello\"}]}\n\ndata: [DONE]\n\n";
    var reader = new SseEventReader(Okio.buffer(trickle(stream, 1)), 1000);

    assertThat(all(reader)).containsExactly("{\"choices\":[{\"text\":\"hello\"}]}", "[DONE]");
    assertThat(reader.endedMidEvent()).isFalse();
  }

  @Test
  @DisplayName("an event without its blank line at end of stream is discarded and flagged")
  void unterminatedEventIsDiscarded() throws IOException {
    var reader = reader("data: a\n\ndata: [DONE]\n", 1000);

    assertThat(all(reader)).containsExactly("a");
    assertThat(reader.endedMidEvent()).isTrue();
  }

  @Test
  void partialLineAtEndIsDiscarded() throws IOException {
    var reader = reader("data: a\n\ndata: {\"cho", 1000);

    assertThat(all(reader)).containsExactly("a");
    assertThat(reader.endedMidEvent()).isTrue();
  }

  @Test
  void overlongLineIsAProtocolError() {
    var reader = reader("data: " + "x".repeat(200) + "\n\n", 64);

    assertThatThrownBy(reader::next).isInstanceOf(ProtocolException.class).hasMessageContaining("longer than 64 bytes");
  }

  @Test
  @DisplayName("an event longer than the event bound is a protocol error naming the bound, even if every line is short")
  void overlongEventIsAProtocolError() {
    String line = "data: " + "x".repeat(33) + "\n";
    var reader = new SseEventReader(buffered(line.repeat(4) + "\n"), 64, 100);

    assertThatThrownBy(reader::next).isInstanceOfSatisfying(SseBoundException.class, e -> {
      assertThat(e.kind()).isEqualTo(SseBoundException.Kind.EVENT);
      assertThat(e.bound()).isEqualTo(100);
    }).hasMessageContaining("SSE event longer than 100 bytes").hasMessageContaining("Bounds.withMaxEventBytes");
  }

  @Test
  @DisplayName("the event bound counts each event from the last blank line, so many small events pass")
  void eventBoundIsPerEvent() throws IOException {
    String event = "data: " + "x".repeat(40) + "\n: note\n\n";
    var reader = new SseEventReader(buffered(event.repeat(50)), 64, event.length());

    assertThat(all(reader)).hasSize(50);
  }

  @Test
  @DisplayName("comments and other fields count towards the event: endless lines without a blank line hit the bound")
  void commentsCountTowardsTheEvent() {
    var reader = new SseEventReader(buffered(": ping\nid: 1\n".repeat(100)), 64, 200);

    assertThatThrownBy(reader::next).isInstanceOf(SseBoundException.class).hasMessageContaining("200 bytes");
  }

  @Test
  @DisplayName("an endless event is refused after reading about the bound, not buffered to the end")
  void endlessEventReadsOnlyUpToTheBound() {
    long[] produced = new long[1];
    Source endless = new Source() {
      @Override
      public long read(Buffer sink, long byteCount) {
        sink.writeUtf8("data: " + "z".repeat(1000) + "\n");
        produced[0] += 1007;
        return 1007;
      }

      @Override
      public Timeout timeout() {
        return Timeout.NONE;
      }

      @Override
      public void close() {}
    };
    var reader = new SseEventReader(Okio.buffer(endless), 4096, 64 << 10);

    assertThatThrownBy(reader::next).isInstanceOf(SseBoundException.class);
    assertThat(produced[0]).isLessThan((64 << 10) + 2 * 8192);
  }

  @Test
  void boundsMustBePositive() {
    assertThatThrownBy(() -> new SseEventReader(buffered(""), 64, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event 0");
  }

  private static SseEventReader reader(String text, long maxLine) {
    return new SseEventReader(new Buffer().writeUtf8(text), maxLine);
  }

  private static List<String> all(SseEventReader reader) throws IOException {
    var events = new ArrayList<String>();
    String e;
    while ((e = reader.next()) != null) {
      events.add(e);
    }
    return events;
  }

  @Test
  @DisplayName("buffered (event loop): bytes fed one at a time give the events of the blocking reader, none early")
  void bufferedFeedsByteByByte() throws IOException {
    String stream = ": ping\n\ndata: {\"a\":\ndata:1}\r\n\r\nevent: x\ndata: [DONE]\n\ndata: cut";
    var buffer = new Buffer();
    var reader = new SseEventReader(buffer, 1000, 1000);
    var events = new ArrayList<String>();
    List<Integer> dispatchedAt = new ArrayList<>();
    byte[] bytes = stream.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      buffer.write(bytes, i, 1);
      String data;
      while ((data = reader.nextBuffered()) != null) {
        events.add(data);
        dispatchedAt.add(i);
      }
    }
    reader.endOfInput();

    assertThat(events).containsExactly("{\"a\":\n1}", "[DONE]");
    assertThat(dispatchedAt).as("each event comes with the byte that closes it, the blank line's last")
        .containsExactly(stream.indexOf("\r\n\r\n") + 3, stream.indexOf("[DONE]\n\n") + 7);
    assertThat(reader.endedMidEvent()).as("the unterminated 'data: cut' is discarded and reported").isTrue();
    assertThat(reader.events()).isEqualTo(2);
    assertThat(reader.commentLines()).isEqualTo(1);
  }

  @Test
  @DisplayName("buffered: a line over its bound fails as soon as the bytes pass it, a shorter partial line waits")
  void bufferedBounds() throws IOException {
    var buffer = new Buffer();
    var reader = new SseEventReader(buffer, 64, 1000);
    buffer.writeUtf8("data: " + "x".repeat(57));

    assertThat(reader.nextBuffered()).as("63 bytes without a newline: could still become a line").isNull();
    buffer.writeUtf8("x");
    assertThatThrownBy(reader::nextBuffered).isInstanceOf(SseBoundException.class).hasMessageContaining("64 bytes");
  }

  /** A source that hands out at most {@code step} bytes per read, as a slow network does. */
  static Source trickle(String text, int step) {
    var data = new Buffer().writeUtf8(text);
    return new Source() {
      @Override
      public long read(Buffer sink, long byteCount) {
        if (data.size() == 0) {
          return -1;
        }
        long n = Math.min(step, Math.min(byteCount, data.size()));
        sink.write(data, n);
        return n;
      }

      @Override
      public Timeout timeout() {
        return Timeout.NONE;
      }

      @Override
      public void close() {}
    };
  }

  static BufferedSource buffered(String text) {
    return new Buffer().writeUtf8(text);
  }
}
