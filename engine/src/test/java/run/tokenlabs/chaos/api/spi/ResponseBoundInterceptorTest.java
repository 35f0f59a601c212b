package run.tokenlabs.chaos.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The byte counting itself, on the HTTP path: whole responses, and watch streams line by line. */
class ResponseBoundInterceptorTest {
  private final List<String> passedOn = new ArrayList<>();
  private final FakeBody body = new FakeBody();

  @Test
  @DisplayName("a watch over HTTP passes any number of lines under the bound, and fails on the first line over it")
  void watchStreamIsBoundedPerLine() throws Exception {
    var consumer = consumerFor("https://k8s.example:6443/api/v1/namespaces/a/pods?watch=true&resourceVersion=1", 20);

    for (int i = 0; i < 10; i++) {
      consumer.consume(List.of(bytes("{\"type\":\"ADDED\"}\n")), body);
    }
    assertThat(passedOn).hasSize(10);
    assertThat(body.done().isDone()).isFalse();

    consumer.consume(List.of(bytes("{\"type\":\"MODIFIED\",\"object\":{}}\n")), body);

    assertThat(passedOn).hasSize(10);
    assertThat(body.cancelled).isTrue();
    assertThat(failure()).isInstanceOf(KubernetesResponseTooLargeException.class)
        .hasMessageContaining("GET https://k8s.example:6443/api/v1/namespaces/a/pods with an event longer than 20 bytes")
        .hasMessageNotContaining("resourceVersion");
  }

  @Test
  @DisplayName("a line split across reads counts as one line")
  void lineSplitAcrossReads() throws Exception {
    var consumer = consumerFor("http://h/api/v1/pods?watch=true", 10);

    consumer.consume(List.of(bytes("123456")), body);
    consumer.consume(List.of(bytes("78\n123")), body);
    assertThat(body.done().isDone()).isFalse();
    consumer.consume(List.of(bytes("4567890123\n")), body);

    assertThat(failure()).isInstanceOf(KubernetesResponseTooLargeException.class);
  }

  @Test
  @DisplayName("any other response is bounded as a whole, newlines or not")
  void plainResponseIsBoundedWhole() throws Exception {
    var consumer = consumerFor("http://h/api/v1/namespaces/a/pods?labelSelector=app%3Dx", 30);

    consumer.consume(List.of(bytes("{\"items\":[\n"), bytes("{},{},\n")), body);
    assertThat(body.done().isDone()).isFalse();
    consumer.consume(List.of(bytes("{\"metadata\":{\"name\":\"x\"}}\n")), body);

    assertThat(passedOn).hasSize(2);
    assertThat(failure()).hasMessageContaining("a response longer than 30 bytes")
        .hasMessageContaining("narrow the request");
    assertThat(((KubernetesResponseTooLargeException) failure()).bound()).isEqualTo(30);
  }

  private AsyncBody.Consumer<List<ByteBuffer>> consumerFor(String uri, long bound) {
    var request = new StandardHttpRequest.Builder().uri(uri).build();
    AsyncBody.Consumer<List<ByteBuffer>> sink = (buffers, asyncBody) ->
        buffers.forEach(b -> passedOn.add(StandardCharsets.UTF_8.decode(b.duplicate()).toString()));
    return new ResponseBoundInterceptor(bound).consumer(sink, request);
  }

  private Throwable failure() throws InterruptedException {
    try {
      body.done().get();
      throw new AssertionError("the body completed normally; expected it to fail at the bound");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  /** An AsyncBody as the HTTP client gives one: a done future, and a cancel that resets the stream. */
  private static final class FakeBody implements AsyncBody {
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private boolean cancelled;

    @Override
    public void consume() {
    }

    @Override
    public CompletableFuture<Void> done() {
      return done;
    }

    @Override
    public void cancel() {
      cancelled = true;
      done.cancel(false);
    }
  }
}
