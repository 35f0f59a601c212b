package run.tokenlabs.chaos.scenarios.load;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.scenarios.load.LabLoads.assertLedgerBalanced;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.api.Lab;
import run.tokenlabs.chaos.lab.api.LabProfile;
import run.tokenlabs.chaos.lab.api.LabTest;
import run.tokenlabs.chaos.load.api.ApiFlavor;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.PromptInfo;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.Workload;

/**
 * The same load through the lab's gateway and straight to the model's pod: the gateway streams the
 * answer through untouched, so prompts, token counts and classes must be the same request by request,
 * and only the gateway's Envoy counters may tell the two runs apart.
 *
 * <p>{@code traceparent} pass-through is not checked here: the load generator sends no
 * {@code traceparent} and the simulator does not expose the headers it received, so nothing on the
 * client side can observe it.
 */
@LabTest
class GatewayVersusDirectLoadIT {
  private static final String MODEL = LabProfile.DEEPSEEK;
  private static final int REQUESTS = 12;
  private static final Workload WORKLOAD = Workload.of(Bucket.of("short", 300, 24), Bucket.of("long", 1200, 8))
      .withSeed(7);

  @Test
  @DisplayName("through the gateway and direct: same prompts, same usage and finish per request, all complete; "
      + "only the gateway run shows in the gateway's upstream counters")
  void gatewayPassesStreamsThroughUnchanged(Lab lab) throws Exception {
    long upstreamBefore = LabLoads.gatewayUpstreamRequests(lab, MODEL, "2");
    LoadResult direct = run(LabLoads.direct(lab, MODEL));
    long upstreamAfterDirect = LabLoads.gatewayUpstreamRequests(lab, MODEL, "2");
    LoadResult gateway = run(LabLoads.viaGateway(lab, MODEL, ApiFlavor.COMPLETIONS));
    long upstreamAfterGateway = LabLoads.gatewayUpstreamRequests(lab, MODEL, "2");

    for (LoadResult r : new LoadResult[] {direct, gateway}) {
      assertLedgerBalanced(r, REQUESTS);
      assertThat(r.ledger().count(Outcome.COMPLETE)).as("%s", r.ledger()).isEqualTo(REQUESTS);
    }
    assertThat(gateway.prompts()).as("prompts built through the gateway's /tokenize route")
        .containsExactlyElementsOf(direct.prompts());
    assertThat(gateway.prompts()).allSatisfy(p -> assertThat(p.exact()).as("%s", p).isTrue());
    for (int i = 0; i < REQUESTS; i++) {
      RequestRecord d = direct.records().get(i);
      RequestRecord g = gateway.records().get(i);
      assertThat(g.id()).isEqualTo(d.id());
      assertThat(g.bucket()).as("bucket of request %d (same seed)", i).isEqualTo(d.bucket());
      assertThat(g.usage()).as("usage of request %d", i).isEqualTo(d.usage());
      assertThat(g.tokensReceived()).isEqualTo(d.tokensReceived()).isEqualTo(g.usage().completionTokens());
      assertThat(g.chunks()).isEqualTo(d.chunks());
      assertThat(g.finishReason()).isEqualTo(d.finishReason());
      assertThat(g.doneReceived()).isTrue();
      assertThat(d.doneReceived()).isTrue();
    }
    int tokenizeCalls = gateway.prompts().stream().mapToInt(PromptInfo::tokenizeCalls).sum();
    assertThat(upstreamAfterDirect - upstreamBefore).as("direct requests never reach the gateway").isZero();
    assertThat(upstreamAfterGateway - upstreamAfterDirect)
        .as("gateway upstream 2xx = streamed requests + /tokenize calls").isEqualTo(REQUESTS + tokenizeCalls);
  }

  private static LoadResult run(Endpoint endpoint) {
    // ignore_eos: the simulator draws natural lengths from its own request counter, which differs between runs.
    return Load.closedLoop(endpoint.withIgnoreEos(true), 1)
        .withWorkload(WORKLOAD)
        .withBounds(new Bounds(Duration.ofSeconds(30), REQUESTS, Duration.ofSeconds(20)))
        .withProgress(Progress.none())
        .run();
  }
}
