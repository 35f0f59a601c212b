package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams.DEEPSEEK;
import static run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams.LLAMA;
import static run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams.complete;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.faults.Faults;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.ClientPool;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.TruncationSignal;
import run.tokenlabs.chaos.load.api.Workload;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.scenarios.experiments.support.ExperimentProperties;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.StreamLedgers;
import run.tokenlabs.chaos.scenarios.lab.LabControls;
import run.tokenlabs.chaos.scenarios.lab.faults.SimulatorFaults;

/**
 * FAILURE-3 of the reference run, silent truncation. The reference found 0% server-side truncation
 * over 50 requests, and that the real risk was the client: its connection pool silently dropped 45
 * of 50 requests. Here every request is booked by the load generator's ledger, so (1) the server is
 * checked by every truncation signal (no {@code [DONE]}, no finish_reason, {@code length} below
 * max_tokens, tokens received != usage.completion_tokens, no usage chunk), (2) truncations injected
 * into the simulator must be detected every time, and (3) the naive client preset (OkHttp's 5
 * requests per host) shows its requests as late or rejected, while a pool sized from the load loses
 * none of the same burst.
 *
 * <p>The request count is the system property {@value #REQUESTS_PROPERTY} (default 50, the
 * reference run's).
 */
@ChaosExperiment(id = "FAILURE-3", title = "Silent truncation: none from the server, every injected one detected, "
    + "no request lost by a sized client", recoverySeconds = 60)
class SilentTruncationIT {
  /** System property: how many requests each load sends. */
  static final String REQUESTS_PROPERTY = "tokenlabs.failure3.requests";
  private static final int DEFAULT_REQUESTS = 50;
  /** The reference run's concurrency for its latency and truncation loads. */
  private static final int SESSIONS = 6;
  private static final int CUT_AFTER_TOKENS = 5;
  private static final int CUT_STREAMS = 10;
  private static final int RESET_STREAMS = 6;
  /** The pool-trap burst: arrivals 10 ms apart, each stream held >= 40 x 25 ms = 1 s by a slow reader. */
  private static final Bucket SLOW_READER = Bucket.of("slow-reader", 64, 40).withSlowReader(Duration.ofMillis(25));
  private static final Duration DISPATCH_BOUND = Duration.ofMillis(300);
  static final String SERVER_TRUNCATION = "server-side truncation";
  static final String INJECTED_DETECTED = "injected truncations detected";
  static final String NAIVE_DROPPED = "naive client pool: requests dropped";
  static final String SIZED_DROPPED = "sized client pool: requests dropped";
  static final String POOL_DROPS = "client connection pool drops requests";

  @SteadyState
  Hypothesis bothModelsStreamComplete(Target target) {
    return Hypothesis.of("a short stream of each model through the gateway ends complete",
        GatewayStreams.oneStream(target, DEEPSEEK).is(complete()),
        GatewayStreams.oneStream(target, LLAMA).is(complete()));
  }

  @Test
  @DisplayName("the server truncates none of N streamed requests through the gateway, by every signal")
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, keyNumbers = {SERVER_TRUNCATION})
  void serverTruncatesNothing(Chaos chaos) {
    int n = requests();
    int toLlama = n / 2;
    // DeepSeek streams reasoning then answer and nearly always ends on max_tokens ("length"); Llama's shorter
    // answers mostly end on "stop": both ways of ending a stream are checked.
    CompletableFuture<LoadResult> llama = CompletableFuture.supplyAsync(() -> toLlama == 0 ? null
        : closedLoop(GatewayStreams.completions(chaos.target(), LLAMA), toLlama).run());
    LoadResult deepseek = closedLoop(GatewayStreams.chat(chaos.target(), DEEPSEEK), n - toLlama).run();
    List<LoadResult> results = Stream.of(deepseek, llama.join()).filter(Objects::nonNull).toList();

    long truncated = 0;
    long complete = 0;
    for (LoadResult result : results) {
      String model = result.spec().endpoint().model();
      chaos.evidence(model + ": ledger and truncation signals, " + result.ledger().scheduled() + " requests",
          StreamLedgers.ledgerText(result));
      chaos.evidence(model + ": latency percentiles (complete requests)", StreamLedgers.percentiles(result));
      truncated += result.ledger().count(Outcome.TRUNCATED);
      complete += result.ledger().count(Outcome.COMPLETE);
    }
    chaos.record(new KeyNumber(SERVER_TRUNCATION, truncated, "requests", "of " + n + " streamed requests through the "
        + "gateway (" + (n - toLlama) + " " + DEEPSEEK + " chat, " + toLlama + " " + LLAMA + " completions; closed loops "
        + "of " + SESSIONS / 2 + " sessions each; buckets A and B); signals checked: no [DONE], no finish_reason, length "
        + "below max_tokens, tokens != usage.completion_tokens, no usage chunk; reference run: 0 of 50"));

    for (LoadResult result : results) {
      assertThat(result.errors()).as("defects of the load run itself").isEmpty();
      assertThat(result.ledger().balanced()).as("every request accounted for: %s", result.ledger()).isTrue();
      assertThat(result.ledger().count(Outcome.TRUNCATED)).as("server-side truncations of %s (%s); truncated: %s",
          result.spec().endpoint().model(), result.ledger(), StreamLedgers.describe(result, Outcome.TRUNCATED)).isZero();
    }
    assertThat(complete).as("complete streams of %s; not complete: %s", n,
        results.stream().map(StreamLedgers::notComplete).toList()).isEqualTo(n);
  }

  /** Half the reference run's closed loop of 6 sessions, over buckets A and B. */
  private static LoadSpec closedLoop(Endpoint endpoint, int requests) {
    return Load.closedLoop(endpoint, SESSIONS / 2)
        .withWorkload(Workload.of(Bucket.interactive().withWeight(3), Bucket.batchLight()))
        .withBounds(new Bounds(Duration.ofSeconds(90), requests, Duration.ofSeconds(60)))
        .withProgress(Progress.none());
  }

  @Test
  @RequiresCapability(LabControls.class)
  @DisplayName("truncations injected by the simulator (streams cut without [DONE], connections reset mid-stream) "
      + "are detected as truncated every time")
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, keyNumbers = {INJECTED_DETECTED})
  void injectedTruncationIsAlwaysDetected(Chaos chaos, Probes probes) {
    chaos.inject(SimulatorFaults.cutStreamsAfter(DEEPSEEK, CUT_AFTER_TOKENS));
    LoadResult cut = Load.closedLoop(GatewayStreams.completions(chaos.target(), DEEPSEEK).withIgnoreEos(true), 2)
        .withWorkload(Bucket.of("cut", 64, 40))
        .withBounds(new Bounds(Duration.ofSeconds(30), CUT_STREAMS, Duration.ofSeconds(20)))
        .withProgress(Progress.none())
        .run();
    chaos.evidence("streams cut after " + CUT_AFTER_TOKENS + " tokens: ledger", StreamLedgers.ledgerText(cut));
    chaos.evidence("streams cut after " + CUT_AFTER_TOKENS + " tokens: every request", StreamLedgers.describe(cut, null));

    LoadResult reset = streamsResetMidBody(chaos, probes);
    chaos.evidence("streams reset mid-body: ledger", StreamLedgers.ledgerText(reset));
    chaos.evidence("streams reset mid-body: every request", StreamLedgers.describe(reset, null));

    long cutDetected = cut.records().stream().filter(r -> r.outcome() == Outcome.TRUNCATED
        && r.truncation().contains(TruncationSignal.NO_DONE)).count();
    long resetDetected = reset.records().stream().filter(r -> r.outcome() == Outcome.TRUNCATED
        && r.truncation().contains(TruncationSignal.CONNECTION_CUT)).count();
    long injected = CUT_STREAMS + RESET_STREAMS;
    chaos.record(new KeyNumber(INJECTED_DETECTED, cutDetected + resetDetected, "streams", "of " + injected
        + " injected: " + cutDetected + "/" + CUT_STREAMS + " " + DEEPSEEK + " streams cut after " + CUT_AFTER_TOKENS
        + " tokens without [DONE], " + resetDetected + "/" + RESET_STREAMS + " " + LLAMA
        + " streams reset mid-body (serving pod force-deleted)"));

    assertThat(cut.ledger().balanced()).as("cut load accounted for: %s", cut.ledger()).isTrue();
    assertThat(reset.ledger().balanced()).as("reset load accounted for: %s", reset.ledger()).isTrue();
    assertThat(cut.ledger().count(Outcome.COMPLETE) + reset.ledger().count(Outcome.COMPLETE))
        .as("truncated streams booked as complete (silent truncation)").isZero();
    assertThat(cutDetected).as("cut streams detected (no [DONE]); %s", StreamLedgers.describe(cut, null)).isEqualTo(CUT_STREAMS);
    assertThat(resetDetected).as("reset streams detected (connection cut); %s", StreamLedgers.describe(reset, null))
        .isEqualTo(RESET_STREAMS);
  }

  /** Six long llama streams; once all generate, the serving pod is force-deleted under them. */
  private LoadResult streamsResetMidBody(Chaos chaos, Probes probes) {
    double generatedBefore = sglangGeneratedTokens(probes);
    BackgroundLoad load = BackgroundLoad.of(RESET_STREAMS + " long " + LLAMA + " streams",
        Load.closedLoop(GatewayStreams.completions(chaos.target(), LLAMA).withIgnoreEos(true), RESET_STREAMS)
            .withWorkload(Bucket.of("long", 64, 20_000))
            .withBounds(new Bounds(Duration.ofSeconds(30), RESET_STREAMS, Duration.ofSeconds(20)))
            .withProgress(Progress.none()));
    chaos.inject(load);
    await("all " + RESET_STREAMS + " " + LLAMA + " streams running and generating").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> probes.vllm().metric(LLAMA, "sglang:num_running_reqs").readNow().value().orElse(0.0) >= RESET_STREAMS
            && sglangGeneratedTokens(probes) - generatedBefore >= 50.0 * RESET_STREAMS);
    chaos.inject(Faults.forceDeletePod("token-labs", "app=" + LLAMA));
    return load.awaitResult(Duration.ofSeconds(40));
  }

  private static double sglangGeneratedTokens(Probes probes) {
    return probes.vllm().metric(LLAMA, "sglang:generation_tokens_total").readNow().value().orElse(0.0);
  }

  @Test
  @DisplayName("the naive client pool (OkHttp's 5 requests per host) drops most of a burst; a pool sized from the "
      + "load drops none of it")
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, findings = {POOL_DROPS},
      keyNumbers = {NAIVE_DROPPED, SIZED_DROPPED})
  void naiveClientPoolDropsRequests(Chaos chaos) {
    int n = requests();
    LoadResult naive = burst(chaos.target(), ClientPool.naiveDefaults(), n).run();
    LoadResult sized = burst(chaos.target(), ClientPool.sizedFromLoad(), n).run();
    chaos.evidence("naive client pool (OkHttp defaults): ledger", StreamLedgers.ledgerText(naive));
    chaos.evidence("sized client pool: ledger", StreamLedgers.ledgerText(sized));
    chaos.evidence("naive client pool: dispatch delay and latency", StreamLedgers.percentiles(naive));
    chaos.evidence("sized client pool: dispatch delay and latency", StreamLedgers.percentiles(sized));

    long naiveDropped = n - naive.ledger().count(Outcome.COMPLETE);
    long sizedDropped = n - sized.ledger().count(Outcome.COMPLETE);
    String burst = n + " streams arriving 10 ms apart through the gateway, each read by a slow reader for >= 1 s, "
        + "dispatch bound " + DISPATCH_BOUND.toMillis() + " ms";
    chaos.record(new KeyNumber(NAIVE_DROPPED, naiveDropped, "requests", "of " + n + " (" + burst + "): "
        + naive.ledger().count(Outcome.REJECTED) + " rejected after waiting in the client's queue; reference run: 45 "
        + "of 50"));
    chaos.record(new KeyNumber("naive client pool: max dispatch delay", StreamLedgers.maxDispatchMillis(naive), "ms",
        "of the " + naive.histograms().dispatchDelayMicros().getTotalCount() + " requests it sent"));
    chaos.record(new KeyNumber(SIZED_DROPPED, sizedDropped, "requests", "of " + n + " (same burst)"));
    if (naiveDropped > 0) {
      chaos.record(clientPoolDrops(naive, sized, n));
    }

    assertThat(naive.ledger().balanced()).as("naive pool: every request accounted for: %s", naive.ledger()).isTrue();
    assertThat(sized.ledger().balanced()).as("sized pool: every request accounted for: %s", sized.ledger()).isTrue();
    assertThat(sized.ledger().count(Outcome.REJECTED)).as("sized pool rejections (%s)", sized.ledger()).isZero();
    assertThat(sizedDropped).as("sized pool: requests not complete: %s", StreamLedgers.notComplete(sized)).isZero();
  }

  private static LoadSpec burst(Target target, ClientPool pool, int n) {
    return Load.openLoop(GatewayStreams.completions(target, DEEPSEEK).withIgnoreEos(true), Arrivals.constant(100))
        .withWorkload(SLOW_READER)
        .withBounds(new Bounds(Duration.ofMillis(10L * n + 1_000), n, Duration.ofSeconds(15), DISPATCH_BOUND))
        .withPool(pool)
        .withProgress(Progress.none());
  }

  static int requests() {
    return ExperimentProperties.positiveInt(REQUESTS_PROPERTY, DEFAULT_REQUESTS, 10_000);
  }

  static Finding clientPoolDrops(LoadResult naive, LoadResult sized, int n) {
    long naiveDropped = n - naive.ledger().count(Outcome.COMPLETE);
    return new Finding(POOL_DROPS, "With OkHttp's default pool (5 requests per host) " + naiveDropped + " of " + n
        + " requests of a burst never completed: " + naive.ledger().count(Outcome.REJECTED) + " waited in the "
        + "client's own queue past " + DISPATCH_BOUND.toMillis() + " ms and were rejected (a client without a ledger "
        + "loses them silently, as the reference run's 45 of 50). The pool sized from the load completed "
        + sized.ledger().count(Outcome.COMPLETE) + " of " + n + " with no rejection. Size client pools from the "
        + "load; never keep library defaults.", "naive: " + naive.ledger() + "; sized: " + sized.ledger());
  }
}
