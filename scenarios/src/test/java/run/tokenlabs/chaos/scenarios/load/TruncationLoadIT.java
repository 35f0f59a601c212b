package run.tokenlabs.chaos.scenarios.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static run.tokenlabs.chaos.scenarios.load.LabLoads.assertLedgerBalanced;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import run.tokenlabs.chaos.lab.api.Lab;
import run.tokenlabs.chaos.lab.api.LabProfile;
import run.tokenlabs.chaos.lab.api.LabTest;
import run.tokenlabs.chaos.load.api.ApiFlavor;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.TruncationSignal;

/**
 * Faults the simulator injects, and how the load generator books them: a stream cut short is
 * truncated every time (never complete), a connection that fails before any answer is a connection
 * error, an injected 5xx is an HTTP error with its code. The lab is shared by every test of the run,
 * so each test disarms the faults it armed.
 */
@LabTest
class TruncationLoadIT {
  private static final String DEEPSEEK = LabProfile.DEEPSEEK;
  private static final String LLAMA = LabProfile.LLAMA;
  private static final int REQUESTS = 20;

  private Lab lab;

  @AfterEach
  void disarmFaults() {
    if (lab != null) {
      lab.faults(DEEPSEEK).clear();
      lab.faults(LLAMA).clear();
    }
  }

  /** The two routes of the lab: the gateway in front of the pod, and the pod itself. */
  enum Route { GATEWAY, DIRECT }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ApiFlavor.class)
  @DisplayName("a stream cut after 5 tokens with no [DONE] is truncated every time (no [DONE], no usage, "
      + "no finish_reason), through the gateway")
  void cutStreamsAreAlwaysTruncated(ApiFlavor api, Lab lab) {
    cutStreamsAreTruncated(lab, LabLoads.viaGateway(lab, DEEPSEEK, api));
  }

  @Test
  @DisplayName("a stream cut after 5 tokens is truncated every time straight from the pod too")
  void cutStreamsFromThePodAreAlwaysTruncated(Lab lab) {
    cutStreamsAreTruncated(lab, LabLoads.direct(lab, DEEPSEEK));
  }

  private void cutStreamsAreTruncated(Lab lab, Endpoint endpoint) {
    this.lab = lab;
    int cutAfter = 5;
    lab.faults(DEEPSEEK).cutStreamsAfter(cutAfter);

    LoadResult result = load(endpoint.withIgnoreEos(true), Bucket.of("cut", 64, 40), 4, REQUESTS).run();

    assertLedgerBalanced(result, REQUESTS);
    assertThat(result.ledger().count(Outcome.TRUNCATED)).as("%s", result.ledger()).isEqualTo(REQUESTS);
    assertThat(result.ledger().count(Outcome.COMPLETE)).isZero();
    for (RequestRecord r : result.records()) {
      assertThat(r.truncation()).as("signals of request %d: %s", r.id(), r)
          .contains(TruncationSignal.NO_DONE, TruncationSignal.NO_USAGE, TruncationSignal.NO_FINISH_REASON)
          .doesNotContain(TruncationSignal.CONNECTION_CUT);
      assertThat(r.httpStatus()).isEqualTo(200);
      assertThat(r.doneReceived()).isFalse();
      assertThat(r.usage()).isNull();
      assertThat(r.finishReason()).isNull();
      assertThat(r.tokensReceived()).as("tokens before the cut").isEqualTo(cutAfter);
    }
    assertThat(result.ledger().byTruncationSignal())
        .containsEntry(TruncationSignal.NO_DONE, (long) REQUESTS)
        .containsEntry(TruncationSignal.NO_USAGE, (long) REQUESTS)
        .containsEntry(TruncationSignal.NO_FINISH_REASON, (long) REQUESTS);
    assertThat(result.histograms().e2eMicros().getTotalCount()).as("truncated requests stay out of E2E").isZero();
  }

  @Test
  @DisplayName("streams reset mid-body when their pod dies are truncated with the connection cut, none complete")
  void streamsResetMidBodyAreTruncated(Lab lab) throws Exception {
    this.lab = lab;
    int sessions = 6;
    long generatedBefore = LabLoads.generatedTokens(lab, LLAMA);
    // Long answers: the streams are still running when the pod goes.
    LoadSpec spec = load(LabLoads.viaGateway(lab, LLAMA, ApiFlavor.COMPLETIONS).withIgnoreEos(true),
        Bucket.of("long", 64, 20_000), sessions, sessions);
    CompletableFuture<LoadResult> running = CompletableFuture.supplyAsync(spec::run);
    var pods = lab.kubernetesClient().pods().inNamespace("token-labs");
    try {
      await("all " + sessions + " llama streams have generated tokens").atMost(Duration.ofSeconds(15))
          .until(() -> LabLoads.runningRequests(lab, LLAMA) == sessions
              && LabLoads.generatedTokens(lab, LLAMA) - generatedBefore >= 50L * sessions);

      pods.withLabel("app", LLAMA).withGracePeriod(0).delete();

      LoadResult result = running.get(30, TimeUnit.SECONDS);
      assertLedgerBalanced(result, sessions);
      assertThat(result.ledger().count(Outcome.TRUNCATED)).as("%s", result.ledger()).isEqualTo(sessions);
      for (RequestRecord r : result.records()) {
        assertThat(r.truncation()).as("signals of request %d: %s", r.id(), r)
            .contains(TruncationSignal.CONNECTION_CUT, TruncationSignal.NO_DONE, TruncationSignal.NO_USAGE);
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.tokensReceived()).as("tokens before the reset").isPositive().isLessThan(20_000);
        assertThat(r.errorClass()).as("the read failure is named").isNotBlank();
      }
    } finally {
      running.cancel(true);
      await("llama served again by its replacement pod").atMost(Duration.ofSeconds(30))
          .until(() -> LabLoads.gatewayAnswers(lab, LLAMA) == 200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Route.class)
  @DisplayName("a connection reset before any response byte is never complete nor truncated: a connection "
      + "error from the pod, Envoy's 503 through the gateway")
  void resetBeforeResponse(Route route, Lab lab) {
    this.lab = lab;
    lab.faults(DEEPSEEK).resetConnections(1.0);
    Endpoint endpoint = route == Route.GATEWAY ? LabLoads.viaGateway(lab, DEEPSEEK, ApiFlavor.COMPLETIONS)
        : LabLoads.direct(lab, DEEPSEEK);

    LoadResult result = load(endpoint, Bucket.of("reset", 64, 16), 2, 10).run();

    assertLedgerBalanced(result, 10);
    if (route == Route.DIRECT) {
      assertThat(result.ledger().count(Outcome.CONNECTION_ERROR)).as("%s", result.ledger()).isEqualTo(10);
      assertThat(result.records()).allSatisfy(r -> assertThat(r.httpStatus()).isZero());
    } else {
      assertThat(result.ledger().count(Outcome.HTTP_ERROR)).as("%s", result.ledger()).isEqualTo(10);
      assertThat(result.ledger().byHttpStatus()).isEqualTo(Map.of(503, 10L));
      assertThat(result.records()).allSatisfy(r -> assertThat(r.errorDetail())
          .startsWith("upstream connect error or disconnect/reset before headers"));
    }
    assertThat(result.records()).allSatisfy(r -> {
      assertThat(r.truncation()).isEmpty();
      assertThat(r.chunks()).isZero();
    });
  }

  @Test
  @DisplayName("HTTP 500 injected at a rate: those requests are HTTP errors with code 500, all others complete")
  void injectedServerErrorsAreHttpErrorsWithTheirCode(Lab lab) {
    this.lab = lab;
    lab.faults(DEEPSEEK).failRequests(0.5, 500);

    LoadResult result = load(LabLoads.viaGateway(lab, DEEPSEEK, ApiFlavor.COMPLETIONS).withIgnoreEos(true),
        Bucket.of("errors", 64, 16), 4, REQUESTS).run();

    assertLedgerBalanced(result, REQUESTS);
    long errors = result.ledger().count(Outcome.HTTP_ERROR);
    // At rate 0.5 over 20 requests, none or all failing has probability 2 in a million.
    assertThat(errors).as("%s", result.ledger()).isBetween(1L, REQUESTS - 1L);
    assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(REQUESTS - errors);
    assertThat(result.ledger().byHttpStatus()).isEqualTo(Map.of(500, errors));
    assertThat(result.records()).filteredOn(r -> r.outcome() == Outcome.HTTP_ERROR).allSatisfy(r -> {
      assertThat(r.httpStatus()).isEqualTo(500);
      assertThat(r.errorDetail()).contains("Injected fault");
      assertThat(r.ttft()).isEmpty();
    });
  }

  private static LoadSpec load(Endpoint endpoint, Bucket bucket, int sessions, int requests) {
    return Load.closedLoop(endpoint, sessions)
        .withWorkload(bucket)
        .withBounds(new Bounds(Duration.ofSeconds(30), requests, Duration.ofSeconds(20)))
        .withProgress(Progress.none());
  }
}
