package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Ledger;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;

/**
 * 1,024 closed-loop sessions through the gateway with the project's load generator: every request
 * the lab was asked completes. This is what the JDK server defaults broke (at most 200 idle
 * connections kept: pooled connections closed under the client, 503s, resets), so the ledger is
 * asserted outcome by outcome; the load is bounded in time and count.
 */
@LabTest(rules = "src/test/resources/lab-rules")
class ThousandSessionsIT {
  static final int SESSIONS = 1024;

  @Test
  @DisplayName("1,024 closed-loop sessions through the gateway: every request completes, no HTTP or connection error")
  void thousandSessionsThroughTheGateway(Lab lab) {
    Endpoint endpoint = Endpoint.completions(lab.gatewayUrl().toString(), LabProfile.DEEPSEEK).withIgnoreEos(true);
    // The client may queue a session's request up to 30 s on this busy machine: a late send is the
    // client's, not the lab's, and would otherwise show as REJECTED.
    Bounds bounds = Bounds.of(Duration.ofSeconds(6), 2 * SESSIONS).withRequestTimeout(Duration.ofSeconds(90))
        .withMaxDispatchDelay(Duration.ofSeconds(30));

    LoadResult result = Load.closedLoop(endpoint, SESSIONS).withWorkload(Bucket.of("scale", 32, 16))
        .withBounds(bounds).withProgress(Progress.none()).run();

    Ledger ledger = result.ledger();
    assertThat(result.errors()).as("defects of the load run itself").isEmpty();
    assertThat(ledger.scheduled()).as("requests scheduled: every session sent at least one").isGreaterThanOrEqualTo(SESSIONS);
    assertThat(ledger.count(Outcome.COMPLETE)).as("complete requests; ledger %s; HTTP statuses %s; first failures: %s",
        ledger, ledger.byHttpStatus(), firstFailures(result)).isEqualTo(ledger.scheduled());
  }

  private static String firstFailures(LoadResult result) {
    return result.records().stream().filter(r -> r.outcome() != Outcome.COMPLETE).limit(5)
        .map(r -> r.outcome() + " " + r.httpStatus() + " " + r.errorClass() + ": " + r.errorDetail())
        .collect(Collectors.joining("; "));
  }
}
