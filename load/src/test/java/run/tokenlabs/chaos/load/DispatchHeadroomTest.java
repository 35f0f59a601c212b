package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;

/**
 * A closed-loop session sends its next request from its previous request's callback, while that call
 * still holds its dispatcher slot. With a dispatcher of exactly the concurrency, every next request
 * then waited in OkHttp's queue (hundreds of milliseconds at 256 sessions on one core). The count of
 * calls that entered the queue is exact, whatever the machine's speed: it must stay zero.
 */
class DispatchHeadroomTest {

  @Test
  @DisplayName("at full concurrency, no request of a closed loop waits in OkHttp's queue for a slot")
  void closedLoopNeverQueuesInTheClient() throws Exception {
    try (var server = SseTestServer.start(seen -> SseTestServer.Behaviour.normal())) {
      LoadSpec spec = Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), 16)
          .withWorkload(Bucket.of("A", 8, 1))
          .withBounds(new Bounds(Duration.ofSeconds(30), 400, Duration.ofSeconds(10)))
          .withProgress(Progress.none());
      var queued = new AtomicInteger();
      LoadResult result = LoadRunner.run(spec, new EventListener() {
        @Override
        public void dispatcherQueueStart(Call call, Dispatcher dispatcher) {
          queued.incrementAndGet();
        }
      }, TransportKind.OKHTTP);

      assertThat(result.ledger().count(Outcome.COMPLETE)).as("ledger %s", result.ledger()).isEqualTo(400);
      assertThat(queued.get()).as("calls that waited in OkHttp's queue: the dispatcher must admit a session's next"
          + " request while its previous one still holds a slot (HttpClients sizes it at twice the in-flight limit)")
          .isZero();
    }
  }

  @Test
  @DisplayName("the virtual-thread toggle says on Java 17 that it needs a newer JDK")
  void virtualThreadsNeedANewerJdk() {
    if (Runtime.version().feature() >= 21) {
      assertThat(HttpClients.virtualThreadPerCall().getClass().getName()).contains("ThreadPerTask");
      return;
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(HttpClients::virtualThreadPerCall)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a JDK with virtual threads (21 or later)")
        .hasMessageContaining("-D" + HttpClients.VIRTUAL_THREADS + "=true");
  }
}
