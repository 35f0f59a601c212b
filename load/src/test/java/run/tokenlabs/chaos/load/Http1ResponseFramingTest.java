package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import okio.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Http1ResponseFramingTest {
  private static final String CHUNKED = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
      + "Transfer-Encoding: chunked\r\n\r\n"
      + "b\r\ndata: one\n\n\r\n" + "10;ext=1\r\ndata: two three\n\r\n" + "1\r\n\n\r\n" + "0\r\nX-Trailer: t\r\n\r\n";

  @Test
  @DisplayName("a chunked response fed one byte at a time gives the same body as fed whole, framing removed")
  void chunkedByteByByte() throws IOException {
    var whole = feedAll(new Http1ResponseFraming(), CHUNKED, Integer.MAX_VALUE);
    var bytewise = feedAll(new Http1ResponseFraming(), CHUNKED, 1);

    assertThat(whole.body).isEqualTo("data: one\n\ndata: two three\n\n");
    assertThat(bytewise.body).isEqualTo(whole.body);
    assertThat(bytewise.framing.status()).isEqualTo(200);
    assertThat(bytewise.framing.contentType()).isEqualTo("text/event-stream");
    assertThat(bytewise.framing.done()).isTrue();
    assertThat(bytewise.framing.reusable()).as("keep-alive after the trailers").isTrue();
  }

  @Test
  @DisplayName("a Content-Length body ends at its length; bytes after it are left for the caller")
  void contentLength() throws IOException {
    var fed = feedAll(new Http1ResponseFraming(), "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 5\r\n\r\nbusy!extra", 3);

    assertThat(fed.body).isEqualTo("busy!");
    assertThat(fed.left).isEqualTo("extra");
    assertThat(fed.framing.status()).isEqualTo(429);
    assertThat(fed.framing.done()).isTrue();
  }

  @Test
  @DisplayName("no length and no chunking: the body runs to the close, and the connection is not reused")
  void untilClose() throws IOException {
    var framing = new Http1ResponseFraming();
    var fed = feedAll(framing, "HTTP/1.1 200 OK\r\n\r\ndata: x\n\n", 4);

    assertThat(framing.done()).isFalse();
    framing.endOfInput("127.0.0.1:1");
    assertThat(framing.done()).isTrue();
    assertThat(framing.reusable()).isFalse();
    assertThat(fed.body).isEqualTo("data: x\n\n");
  }

  @Test
  @DisplayName("an interim 100 Continue is skipped; Connection: close and HTTP/1.0 are not reused; 204 has no body")
  void interimAndClose() throws IOException {
    var interim = feedAll(new Http1ResponseFraming(),
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", 5);
    var http10 = feedAll(new Http1ResponseFraming(), "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 7);
    var noContent = feedAll(new Http1ResponseFraming(), "HTTP/1.1 204 No Content\r\n\r\n", 7);

    assertThat(interim.framing.status()).isEqualTo(200);
    assertThat(interim.body).isEqualTo("ok");
    assertThat(interim.framing.reusable()).isFalse();
    assertThat(http10.framing.done()).isTrue();
    assertThat(http10.framing.reusable()).isFalse();
    assertThat(noContent.framing.done()).isTrue();
    assertThat(noContent.framing.reusable()).isTrue();
  }

  @Test
  @DisplayName("a cut inside a chunk or the head is a protocol error; a close before the status line names the server")
  void cuts() throws IOException {
    var midChunk = new Http1ResponseFraming();
    feedAll(midChunk, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20\r\ndata: cut", 8);
    var midHead = new Http1ResponseFraming();
    feedAll(midHead, "HTTP/1.1 200 OK\r\nContent-Ty", 8);

    assertThatThrownBy(() -> midChunk.endOfInput("h:1")).isInstanceOf(ProtocolException.class)
        .hasMessage("unexpected end of stream");
    assertThatThrownBy(() -> midHead.endOfInput("h:1")).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("inside the response headers");
    assertThatThrownBy(() -> new Http1ResponseFraming().endOfInput("h:1")).isInstanceOf(IOException.class)
        .isNotInstanceOf(ProtocolException.class).hasMessageContaining("unexpected end of stream on h:1");
  }

  @Test
  @DisplayName("malformed status lines, chunk sizes and lengths are protocol errors that quote what came")
  void malformed() {
    assertThatThrownBy(() -> feedAll(new Http1ResponseFraming(), "SSH-2.0-OpenSSH_9.2\r\n", 64))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("unexpected status line: 'SSH-2.0-OpenSSH_9.2'");
    assertThatThrownBy(() -> feedAll(new Http1ResponseFraming(),
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 64))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("chunk size").hasMessageContaining("'zz'");
    assertThatThrownBy(() -> feedAll(new Http1ResponseFraming(),
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\n", 64))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("'+5'");
    assertThatThrownBy(() -> feedAll(new Http1ResponseFraming(), "HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n", 64))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("-4");
    assertThatThrownBy(() -> feedAll(new Http1ResponseFraming(),
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY", 64))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("CRLF");
  }

  @Test
  @DisplayName("a header line without a colon is passed over, as OkHttp's lenient reading keeps it")
  void headerWithoutColon() throws IOException {
    var fed = feedAll(new Http1ResponseFraming(), "HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 2\r\n\r\nok", 5);

    assertThat(fed.body).isEqualTo("ok");
    assertThat(fed.framing.done()).isTrue();
  }

  @Test
  @DisplayName("a head over 64 KiB is refused as soon as the bound is passed, without buffering more")
  void headBound() {
    String endless = "HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat((int) Http1ResponseFraming.MAX_HEAD_BYTES);

    assertThatThrownBy(() -> feedAll(new Http1ResponseFraming(), endless, 4096))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("longer than");
  }

  private record Fed(Http1ResponseFraming framing, String body, String left) {}

  /** Feeds {@code response} in pieces of {@code step} bytes, as socket reads would deliver it. */
  private static Fed feedAll(Http1ResponseFraming framing, String response, int step) throws ProtocolException {
    byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
    var raw = new Buffer();
    var body = new Buffer();
    for (int i = 0; i < bytes.length; i += step) {
      raw.write(bytes, i, Math.min(step, bytes.length - i));
      framing.feed(raw, body);
    }
    return new Fed(framing, body.readUtf8(), raw.readUtf8());
  }
}
