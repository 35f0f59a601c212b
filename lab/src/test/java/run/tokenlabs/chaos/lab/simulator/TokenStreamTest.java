package run.tokenlabs.chaos.lab.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Who writes a stream's events: the pod's writer while the stream is direct, its handler thread from
 * the first event the writer may not take. The writer thread is not started; the test drives it.
 */
class TokenStreamTest {
  private final StepWriter writer = new StepWriter("test");

  /** A sink that takes plain tokens and records what it wrote, per flush. */
  private static final class Recording implements TokenStream.DirectSink {
    final List<Integer> pending = new ArrayList<>();
    final List<List<Integer>> flushes = new ArrayList<>();
    IOException failWith;

    @Override
    public boolean offer(TokenStream.Event event) {
      if (!event.isPlainToken()) {
        return false;
      }
      pending.add(event.index());
      return true;
    }

    @Override
    public void flush() throws IOException {
      if (failWith != null) {
        throw failWith;
      }
      flushes.add(List.copyOf(pending));
      pending.clear();
    }
  }

  @Test
  @DisplayName("a direct stream's plain tokens go to the writer, in one flush per wake-up; its last token wakes the handler")
  void directThenHandler() throws Exception {
    TokenStream stream = new TokenStream(writer);
    Recording sink = new Recording();
    stream.goDirect(sink);
    Sequence.Listener choice = stream.listener(0);

    choice.onToken(0, null);
    choice.onToken(1, null);
    assertThat(stream.next(0)).as("the handler is not woken for plain tokens of a direct stream").isNull();
    stream.writeDirect();
    choice.onToken(2, "length");

    assertThat(sink.flushes).containsExactly(List.of(0, 1));
    TokenStream.Event last = stream.next(0);
    assertThat(last.index()).isEqualTo(2);
    assertThat(last.finishReason()).isEqualTo("length");
    stream.writeDirect();
    assertThat(sink.flushes).as("the writer never takes a stream back").hasSize(1);
    stream.release();
  }

  @Test
  @DisplayName("tokens the writer has not written yet when the last one arrives go to the handler, in order")
  void handOverKeepsOrder() throws Exception {
    TokenStream stream = new TokenStream(writer);
    Recording sink = new Recording();
    stream.goDirect(sink);
    Sequence.Listener choice = stream.listener(0);

    choice.onToken(0, null);
    choice.onToken(1, null);
    choice.onToken(2, "stop");

    List<Integer> seen = new ArrayList<>();
    for (TokenStream.Event ev = stream.next(0); ev != null; ev = stream.poll()) {
      seen.add(ev.index());
    }
    assertThat(seen).containsExactly(0, 1, 2);
    stream.writeDirect();
    assertThat(sink.flushes).isEmpty();
    stream.release();
  }

  @Test
  @DisplayName("a direct write that fails is rethrown to the handler, which ends the response")
  void failedWriteReachesTheHandler() {
    TokenStream stream = new TokenStream(writer);
    Recording sink = new Recording();
    sink.failWith = new IOException("Broken pipe");
    stream.goDirect(sink);
    stream.listener(0).onToken(0, null);

    stream.writeDirect();

    assertThatThrownBy(() -> stream.next(0)).isSameAs(sink.failWith);
    stream.release();
  }

  @Test
  @DisplayName("an abort reaches the handler at once, even on a direct stream")
  void abortGoesToTheHandler() throws Exception {
    TokenStream stream = new TokenStream(writer);
    stream.goDirect(new Recording());

    stream.listener(0).onAbort("server stopped");

    assertThat(stream.next(0).abortReason()).isEqualTo("server stopped");
    stream.release();
  }

  @Test
  @DisplayName("a stream without a writer (a non-streamed answer) never goes direct")
  void noWriter() throws Exception {
    TokenStream stream = new TokenStream();
    Recording sink = new Recording();
    stream.goDirect(sink);
    stream.listener(0).onToken(0, null);

    assertThat(stream.next(0).index()).isZero();
    assertThat(sink.flushes).isEmpty();
    stream.release();
  }
}
