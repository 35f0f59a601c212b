package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;
import static run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams.DEEPSEEK;
import static run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams.complete;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import run.tokenlabs.chaos.faults.ChaosMeshInstalled;
import run.tokenlabs.chaos.faults.Faults;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.TruncationSignal;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.StreamLedgers;

/**
 * PROC-1: the vLLM process of DeepSeek killed mid-stream by a Chaos Mesh {@code PodChaos}
 * container-kill, FAILURE-3's injected truncation as it happens on a cluster. The pod stays (even a
 * bare one): the kubelet restarts its container, which loads the model again. The hypothesis: every
 * stream in flight is booked as truncated by a connection-cut signal (none passes as complete), the
 * container is back and Ready within a bound with its restartCount up, and Prometheus sees the
 * counter reset, so {@code rate()} over the restart stays non-negative.
 */
@ChaosExperiment(id = "PROC-1", title = "vLLM process killed mid-stream: in-flight streams truncated and detected, "
    + "container restarted, counter reset handled", recoverySeconds = 30)
@RequiresCapability(ChaosMeshInstalled.class)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, findings = ContainerKillIT.LOST_IN_FLIGHT,
    keyNumbers = {ContainerKillIT.TRUNCATED, ContainerKillIT.RESTART, ContainerKillIT.RESETS})
class ContainerKillIT {
  static final String NAMESPACE = "token-labs";
  static final String SELECTOR = "app=" + DEEPSEEK;
  static final int STREAMS = 4;
  static final String GENERATED = "vllm:generation_tokens_total{model_name=\"" + DEEPSEEK + "\"}";
  static final Duration RESTART_BOUND = Duration.ofSeconds(30);
  static final String TRUNCATED = "streams in flight truncated by the container-kill: " + DEEPSEEK;
  static final String RESTART = "container restart to Ready: " + DEEPSEEK;
  static final String RESETS = "counter resets seen by Prometheus: " + DEEPSEEK;
  static final String LOST_IN_FLIGHT = "requests in flight are lost when the vLLM process dies";

  @SteadyState
  Hypothesis deepseekStreamsComplete(Probes probes, Target target) {
    return Hypothesis.of("a short stream of " + DEEPSEEK + " through the gateway ends complete, from a Ready pod",
        GatewayStreams.oneStream(target, DEEPSEEK).is(complete()),
        probes.kubernetes().readyPods(NAMESPACE, SELECTOR).is(atLeast(1)));
  }

  @Test
  @DisplayName("vLLM container killed under long streams: all in flight truncated and detected, restarted and "
      + "Ready again with restartCount up, Prometheus counts the counter reset")
  void vllmKilledMidStream(Chaos chaos, Probes probes) {
    int restartsBefore = restarts(chaos.target());
    BackgroundLoad load = longStreams(chaos, probes);
    Instant killedAt = Instant.now();
    chaos.inject(Faults.containerKill(NAMESPACE, SELECTOR, "vllm").lastingAtMost(Duration.ofSeconds(30)));

    LoadResult result = load.awaitResult(Duration.ofSeconds(40));
    Awaiting.reading("restartCount of " + DEEPSEEK + " above " + restartsBefore, () -> restarts(chaos.target()))
        .atMost(Duration.ofSeconds(10)).pollEvery(Duration.ofMillis(100)).until(n -> n > restartsBefore);
    Duration untilReady = probes.kubernetes().awaitReady(NAMESPACE, SELECTOR, 1, killedAt, RESTART_BOUND);
    chaos.record(new KeyNumber(RESTART, untilReady.toMillis() / 1000.0, "s", "from the PodChaos to the pod Ready "
        + "again (model load included); restartCount " + restartsBefore + " -> " + restarts(chaos.target())));

    long cut = result.records().stream().filter(r -> r.outcome() == Outcome.TRUNCATED
        && r.truncation().contains(TruncationSignal.CONNECTION_CUT)).count();
    chaos.evidence("streams in flight: ledger", StreamLedgers.ledgerText(result));
    chaos.evidence("streams in flight: every request", StreamLedgers.describe(result, null));
    chaos.record(new KeyNumber(TRUNCATED, cut, "streams", "of " + STREAMS + " long streams generating when the "
        + "container was killed; booked by the load ledger with the connection-cut signal"));
    chaos.record(new Finding(LOST_IN_FLIGHT, "All " + cut + " streams in flight ended without [DONE] when the vLLM "
        + "process died; the client saw a cut connection, nothing retried them. A client that does not check the "
        + "end of its stream takes them as answers.", result.ledger().toString()));
    counterReset(chaos, probes, killedAt);

    assertThat(result.ledger().balanced()).as("every request accounted for: %s", result.ledger()).isTrue();
    assertThat(result.ledger().count(Outcome.COMPLETE)).as("streams booked complete though cut").isZero();
    assertThat(cut).as("streams cut and detected; %s", StreamLedgers.describe(result, null)).isEqualTo(STREAMS);
  }

  /** Long DeepSeek streams, awaited until all generate, so the kill lands mid-stream. */
  private static BackgroundLoad longStreams(Chaos chaos, Probes probes) {
    double before = generated(probes);
    BackgroundLoad load = BackgroundLoad.of(STREAMS + " long " + DEEPSEEK + " streams",
        Load.closedLoop(GatewayStreams.completions(chaos.target(), DEEPSEEK).withIgnoreEos(true), STREAMS)
            .withWorkload(Bucket.of("long", 64, 20_000))
            .withBounds(new Bounds(Duration.ofSeconds(30), STREAMS, Duration.ofSeconds(20)))
            .withProgress(Progress.none()));
    chaos.inject(load);
    Awaiting.reading("all " + STREAMS + " " + DEEPSEEK + " streams running and generating",
            () -> probes.vllm().metric(DEEPSEEK, "vllm:num_requests_running").readNow().value().orElse(0.0) >= STREAMS
                && generated(probes) - before >= 50.0 * STREAMS)
        .atMost(Duration.ofSeconds(15)).pollEvery(Duration.ofMillis(100)).until(ok -> ok);
    return load;
  }

  /** Prometheus counts the reset ({@code resets()}), and {@code rate()} across it stays non-negative. */
  private static void counterReset(Chaos chaos, Probes probes, Instant killedAt) {
    String window = Math.max(10, Duration.between(killedAt, Instant.now()).toSeconds() + 10) + "s";
    String resets = "sum(resets(" + GENERATED + "[" + window + "]))";
    double seen = Awaiting.reading("Prometheus counts a reset of " + GENERATED,
            () -> probes.prometheus().instant(resets).readNow().value().orElse(0.0))
        .atMost(Duration.ofSeconds(20)).pollEvery(Duration.ofMillis(250)).until(n -> n >= 1);
    double rate = probes.prometheus().instant("sum(rate(" + GENERATED + "[" + window + "]))").readNow().value()
        .orElse(0.0);
    chaos.record(new KeyNumber(RESETS, seen, "resets", resets + "; rate over the same window " + rate + " tokens/s"));
    assertThat(rate).as("rate() across the restart").isGreaterThanOrEqualTo(0.0);
  }

  private static double generated(Probes probes) {
    return probes.vllm().metric(DEEPSEEK, "vllm:generation_tokens_total").readNow().value().orElse(0.0);
  }

  private static int restarts(Target target) {
    List<Pod> pods = target.kubernetes().pods().inNamespace(NAMESPACE).withLabel("app", DEEPSEEK).list().getItems();
    return pods.stream().filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
        .flatMap(p -> p.getStatus().getContainerStatuses().stream()).mapToInt(ContainerStatus::getRestartCount).sum();
  }
}
