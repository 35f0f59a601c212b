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
