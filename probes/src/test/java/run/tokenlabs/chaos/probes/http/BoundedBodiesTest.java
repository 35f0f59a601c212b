package run.tokenlabs.chaos.probes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BoundedBodiesTest {
  private static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");

  @Test
  void aBodyWithinTheBoundIsReadWhole() throws IOException {
    assertThat(BoundedBodies.readUtf8(ResponseBody.create("héllo", TEXT), 6)).isEqualTo("héllo");
  }

  @Test
  @DisplayName("a declared length over the bound fails before any byte is read")
  void declaredLengthOverTheBound() {
    var body = ResponseBody.create(new Buffer().writeUtf8("x".repeat(100)), TEXT, 100);

    assertThatThrownBy(() -> BoundedBodies.readUtf8(body, 99))
        .isInstanceOfSatisfying(BoundedBodies.BodyTooLargeException.class, e -> assertThat(e.bound()).isEqualTo(99))
        .hasMessage("the answer is larger than the bound of 99 bytes (it declares 100 bytes)");
  }

  @Test
  @DisplayName("an endless body of unknown length is refused after reading just past the bound")
  void endlessBody() {
    long[] produced = new long[1];
    Source endless = new Source() {
      @Override
      public long read(Buffer sink, long byteCount) {
        sink.writeUtf8("y".repeat(1000));
        produced[0] += 1000;
        return 1000;
      }

      @Override
      public Timeout timeout() {
        return Timeout.NONE;
      }

      @Override
      public void close() {}
    };
    var body = ResponseBody.create(Okio.buffer(endless), TEXT, -1);

    assertThatThrownBy(() -> BoundedBodies.readUtf8(body, 64 << 10)).hasMessageContaining("bound of 65536 bytes");
    assertThat(produced[0]).isLessThan((64 << 10) + 2 * 8192);
  }
}
