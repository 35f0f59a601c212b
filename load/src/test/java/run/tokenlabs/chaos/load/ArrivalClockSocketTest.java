package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.Exchange.Verdict;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Outcome;

/**
 * Chunks are timed when the socket read that delivered them returned, not when the reader got round to
 * them. The clock here moves one microsecond each time it is read, so any timestamp taken after a read
 * (while framing, SSE and JSON work go on) differs from the read's own.
 */
class ArrivalClockSocketTest {
  private static final String TOKEN = "data: {\"choices\":[{\"index\":0,\"text\":\" tok\",\"finish_reason\":null}]}\n\n";

  @Test
  @DisplayName("five events that arrived in one read are all timed at that read: no gap between them")
  void eventsOfOneReadShareItsTime() throws Exception {
    String last = "data: {\"choices\":[{\"index\":0,\"text\":\" tok\",\"finish_reason\":\"length\"}]}\n\n";
    String usage = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}\n\n";
    try (var server = SseTestServer.streaming(sink -> sink.send(TOKEN.repeat(4) + last + usage + "data: [DONE]\n\n"))) {
      var ticks = new AtomicLong();
      java.util.function.LongSupplier clock = () -> ticks.addAndGet(1_000);
      OkHttpClient client = new OkHttpClient.Builder()
          .eventListener(HttpClients.sendMarker(clock, okhttp3.EventListener.NONE))
          .socketFactory(ArrivalClockSocket.factory(clock))
          .build();
      var ex = new Exchange(0, new Fixed(Bucket.of("A", 3, 5)), 0, Long.MAX_VALUE, Long.MAX_VALUE);
      var request = new Request.Builder().url(server.baseUrl() + "/v1/completions")
          .post(okhttp3.RequestBody.create(new byte[0])).tag(Exchange.class, ex).build();
      Verdict verdict;
      try (Response response = client.newCall(request).execute()) {
        verdict = new StreamConsumer(clock, true, 1 << 20).consume(ex, response);
      } finally {
        HttpClients.shutdown(client);
      }

      assertThat(verdict.outcome()).isEqualTo(Outcome.COMPLETE);
      assertThat(ex.arrivals).as("the request's socket times its reads").isNotNull();
      assertThat(ex.tokensReceived).isEqualTo(5);
      assertThat(ex.lastChunkNanos - ex.firstChunkNanos)
          .as("first to last chunk, all delivered by one read (the clock moved between every other reading)")
          .isZero();
    }
  }

  @Test
  @DisplayName("an exchange without a timing socket takes the reader's time")
  void withoutTimingSocketTheReaderTimes() {
    var ex = new Exchange(0, new Fixed(Bucket.of("A", 3, 5)), 0, Long.MAX_VALUE, Long.MAX_VALUE);

    assertThat(ex.arrivedNanos(42)).isEqualTo(42);
  }

  /** A request that sends an empty body: the streaming server here ignores what it is asked. */
  private record Fixed(Bucket bucket) implements Outgoing {
    @Override
    public SlicedBody body(long id) {
      return SlicedBody.of(null, new byte[0]);
    }
  }
}
