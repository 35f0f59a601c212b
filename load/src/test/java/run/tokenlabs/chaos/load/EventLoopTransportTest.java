package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.ClientPool;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;

/** What is the event loop's own: its connections and when it is chosen. The stream cases run through it in the other tests. */
class EventLoopTransportTest {

  @Test
  @DisplayName("a closed loop keeps its connections: 400 requests of 4 sessions over 4 connections")
  void connectionsAreReused() throws Exception {
    try (var server = SseTestServer.start(seen -> SseTestServer.Behaviour.normal())) {
      LoadResult result = Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), 4)
          .withWorkload(LoadFixtures.tiny())
          .withBounds(new Bounds(Duration.ofSeconds(30), 400, Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();

      assertThat(result.ledger().count(Outcome.COMPLETE)).as("ledger %s", result.ledger()).isEqualTo(400);
      assertThat(server.connectionsAccepted())
          .as("connections: one per session, and the one that asked /tokenize while the prompts were built")
          .isLessThanOrEqualTo(5);
    }
  }

  @Test
  @DisplayName("a server that closes every connection after its response: each request completes on a new one")
  void serverClosesAfterEachResponse() throws Exception {
    try (var server = new MockWebServer()) {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      String body = "data: {\"choices\":[{\"index\":0,\"text\":\"a\",\"finish_reason\":\"stop\"}]}\n\n"
          + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":16,\"completion_tokens\":1,\"total_tokens\":17}}\n\n"
          + "data: [DONE]\n\n";
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return request.getTarget().equals("/tokenize") ? new MockResponse.Builder().code(404).build()
              : new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream").body(body)
                  .onResponseEnd(new SocketEffect.CloseSocket()).build();
        }
      });
      LoadResult result = Load.openLoop(Endpoint.completions("http://127.0.0.1:" + server.getPort(), "m"),
              Arrivals.constant(40))
          .withWorkload(LoadFixtures.tiny())
          .withBounds(new Bounds(Duration.ofSeconds(10), 12, Duration.ofSeconds(5)))
          .withProgress(Progress.none())
          .run();

      assertThat(result.ledger().count(Outcome.COMPLETE)).as("ledger %s", result.ledger()).isEqualTo(12);
      Set<Integer> connections = new HashSet<>();
      for (int i = 0; i < server.getRequestCount(); i++) {
        RecordedRequest r = server.takeRequest();
        if (!r.getTarget().equals("/tokenize")) {
          connections.add(r.getConnectionIndex());
        }
      }
      assertThat(connections).as("a closed connection is never written to again").hasSize(12);
    }
  }

  @Test
  @DisplayName("a host that does not resolve: every request of a closed loop is a connection error, the loop lives on")
  void unresolvableHost() {
    LoadResult result = Load.closedLoop(Endpoint.completions("http://no-such-host.invalid:8000", "m"), 2)
        .withWorkload(LoadFixtures.tiny())
        .withBounds(new Bounds(Duration.ofSeconds(1), 5_000, Duration.ofSeconds(2)))
        .withProgress(Progress.none())
        .run();

    assertThat(result.ledger().count(Outcome.CONNECTION_ERROR)).as("ledger %s", result.ledger())
        .isEqualTo(result.ledger().scheduled()).isPositive();
    var errorClasses = new HashSet<String>();
    result.forEachRecord(r -> errorClasses.add(r.errorClass()));
    assertThat(errorClasses).containsExactly("UnknownHostException");
    assertThat(result.errors()).as("a failure that recursed (a session's next request started inside its last"
        + " one's failure) would have overflowed the loop's stack and stopped it").isEmpty();
  }

  @Test
  @DisplayName("event loops for plain HTTP; OkHttp for TLS, for the naive preset, and when asked for")
  void whichTransport() {
    var http = Load.closedLoop(Endpoint.completions("http://127.0.0.1:9", "m"), 4);
    var https = Load.closedLoop(Endpoint.completions("https://127.0.0.1:9", "m"), 4);
    String before = System.getProperty(EventLoopTransport.TRANSPORT);
    try {
      System.clearProperty(EventLoopTransport.TRANSPORT);
      assertThat(TransportKind.of(http)).isEqualTo(TransportKind.EVENT_LOOP);
      assertThat(TransportKind.of(https)).isEqualTo(TransportKind.OKHTTP);
      assertThat(TransportKind.of(http.withPool(ClientPool.naiveDefaults()))).isEqualTo(TransportKind.OKHTTP);
      System.setProperty(EventLoopTransport.TRANSPORT, "okhttp");
      assertThat(TransportKind.of(http)).isEqualTo(TransportKind.OKHTTP);
      System.setProperty(EventLoopTransport.TRANSPORT, "netty");
      assertThatThrownBy(() -> TransportKind.of(http)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-Dtokenlabs.load.transport=netty").hasMessageContaining("eventloop")
          .hasMessageContaining("okhttp");
    } finally {
      if (before == null) {
        System.clearProperty(EventLoopTransport.TRANSPORT);
      } else {
        System.setProperty(EventLoopTransport.TRANSPORT, before);
      }
    }
  }

  @Test
  @DisplayName("loops: one per CPU, at most 4, at most one per 16 requests in flight; a count below 1 is refused")
  void loopCount() {
    int cpus = Runtime.getRuntime().availableProcessors();

    assertThat(EventLoopTransport.loopCount(1)).isEqualTo(1);
    assertThat(EventLoopTransport.loopCount(4096)).isEqualTo(Math.min(cpus, 4));
    try {
      System.setProperty(EventLoopTransport.LOOPS, "0");
      assertThatThrownBy(() -> EventLoopTransport.loopCount(64)).hasMessageContaining("at least one event loop");
      System.setProperty(EventLoopTransport.LOOPS, "two");
      assertThatThrownBy(() -> EventLoopTransport.loopCount(64)).hasMessageContaining("-Dtokenlabs.load.eventLoops=two")
          .hasMessageContaining("not a number");
      System.setProperty(EventLoopTransport.LOOPS, "3");
      assertThat(EventLoopTransport.loopCount(1)).isEqualTo(3);
    } finally {
      System.clearProperty(EventLoopTransport.LOOPS);
    }
  }
}
