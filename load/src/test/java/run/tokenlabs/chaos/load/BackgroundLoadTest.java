package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;

/** A background load as a fault: its rollback stops it, books what was in flight, and may run twice. */
class BackgroundLoadTest {
  /** A background load never touches the target: it talks to the endpoint of its spec. */
  private static final Target NO_TARGET = null;

  @Test
  @DisplayName("The rollback stops a running load: requests in flight are cancelled and booked, a second undo does nothing")
  void rollbackStopsTheLoad() throws Exception {
    try (var server = SseTestServer.start(seen -> SseTestServer.Behaviour.normal().tokens(100_000, Duration.ofMillis(10)))) {
      BackgroundLoad load = BackgroundLoad.of("endless streams", Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), 2)
          .withWorkload(LoadFixtures.tiny())
          .withBounds(new Bounds(Duration.ofMinutes(5), 10, Duration.ofMinutes(5)))
          .withProgress(Progress.none()));
      BackgroundLoad.Stop stop = load.prepare(NO_TARGET);
      load.act(NO_TARGET, stop);
      Awaitility.await("both sessions streaming").atMost(Duration.ofSeconds(30)).until(() -> server.completions() == 2);

      stop.undo(NO_TARGET, Duration.ofSeconds(30));
      LoadResult result = load.awaitResult(Duration.ofSeconds(30));
      stop.undo(NO_TARGET, Duration.ofSeconds(30));

      assertThat(result.ledger().scheduled()).isEqualTo(2);
      assertThat(result.ledger().balanced()).isTrue();
      assertThat(result.records()).extracting(r -> r.outcome()).containsOnly(Outcome.TIMEOUT);
      assertThat(result.errors()).anyMatch(e -> e.contains("Interrupted while waiting for 2 requests to end"));
      assertThat(server.completions()).as("no request after the stop").isEqualTo(2);
    }
  }

  @Test
  @DisplayName("The rollback of a load this JVM never ran (a crashed run's) does nothing")
  void rollbackOfALoadFromAnotherJvm() throws Exception {
    new BackgroundLoad.Stop("4f6c0c1e-load-of-a-dead-jvm", "gone").undo(NO_TARGET, Duration.ofSeconds(1));

    BackgroundLoad neverInjected = BackgroundLoad.of("idle", Load.closedLoop(Endpoint.completions("http://127.0.0.1:9", "m"), 1));
    assertThatThrownBy(() -> neverInjected.awaitResult(Duration.ofSeconds(1)))
        .hasMessageContaining("was never started; inject it with chaos.inject(..)");
  }
}
