package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;
import static run.tokenlabs.chaos.api.Tolerance.satisfies;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.faults.Faults;
import run.tokenlabs.chaos.probes.api.AlertFiring;
import run.tokenlabs.chaos.probes.api.AlertFiringBound;
import run.tokenlabs.chaos.probes.api.AlertState;
import run.tokenlabs.chaos.probes.api.FiringWatch;
import run.tokenlabs.chaos.probes.api.HttpExpectation;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;
import run.tokenlabs.chaos.scenarios.experiments.support.Gateway;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayOutage;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.PromEvidence;

/**
 * GPU-1: XID 79 (the GPU fell off the bus) reported on the GPU serving DeepSeek, by {@code dcgmi test
 * --inject} in the DCGM pod of its node, while load runs through the gateway.
 * <p>Hypothesis: the XID alert {@code GpuXidGpuLost} fires within its worst-case bound
 * ({@link AlertFiringBound}) naming the GPU's node and XID 79. What the workload did is recorded: on the
 * lab the model server dies as vLLM dies on a lost GPU (streams cut, pod unready, 100% 5xx at the gateway
 * until the GPU is back); on a real node the injection only changes what DCGM reports, and the finding
 * says so. The rollback writes 0 back, and on the lab the container restarts.
 */
@ChaosExperiment(id = "GPU-1", title = "XID 79 on the GPU serving DeepSeek: the XID alert fires within its bound; "
    + "what the workload did", recoverySeconds = 45)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, findings = GpuXidFellOffBusIT.WORKLOAD,
    keyNumbers = {GpuXidFellOffBusIT.TIME_TO_FIRE, GatewayOutage.OUTAGE_5XX_RATIO + GpuXidFellOffBusIT.MODEL})
class GpuXidFellOffBusIT {
  static final String NAMESPACE = "token-labs";
  static final String DCGM_NAMESPACE = "gpu-operator";
  static final String DCGM_SELECTOR = "app=nvidia-dcgm-exporter";
  static final String MODEL = GatewayStreams.DEEPSEEK;
  static final String ALERT = "GpuXidGpuLost";
  static final String TIME_TO_FIRE = "time to fire: " + ALERT + " after XID 79";
  static final String WORKLOAD = "workload on the lost GPU";
  static final double LOAD_RATE = 10;
  static final Duration POLL = Duration.ofMillis(250);

  @SteadyState
  Hypothesis deepseekServedNoXid(Probes probes, Chaos chaos) {
    return Hypothesis.of("the gateway serves " + MODEL + " from a Ready pod, and no GPU reports an XID",
        Gateway.completion(probes, chaos.target(), MODEL).is(HttpExpectation.status(200)),
        probes.kubernetes().readyPods(NAMESPACE, "app=" + MODEL).is(atLeast(1)),
        probes.prometheus().alert(ALERT).state().is(satisfies("not firing", s -> s != AlertState.FIRING)));
  }

  @BeforeEach
  void prometheusHasScrapedTheGpus(Probes probes) {
    Gateway.awaitScraped(probes, "count(DCGM_FI_DEV_XID_ERRORS)", List.of(ALERT));
  }

  @Test
  @DisplayName("XID 79 on DeepSeek's GPU under load: GpuXidGpuLost fires within its bound; the model server "
      + "dies with its GPU (100% 5xx) until the XID is reset")
  void xid79OnTheDeepSeekGpu(Chaos chaos, Probes probes) {
    // the node from the Service's ready address: a pod recreated from a manifest without its binding
    // (an earlier rollback) may not name its node in the lab, and Endpoints always do
    String node = chaos.target().kubernetes().endpoints().inNamespace(NAMESPACE).withName(MODEL).get().getSubsets()
        .stream().flatMap(s -> s.getAddresses().stream()).map(a -> a.getNodeName()).filter(n -> n != null)
        .findFirst().orElseThrow(() -> new IllegalStateException("Service " + NAMESPACE + "/" + MODEL + " has no "
            + "ready address naming its node, so the GPU to inject into is unknown; check its Endpoints"));
    PrometheusProbes prometheus = probes.prometheus().pollingEvery(POLL);
    Duration scrape = prometheus.scrapeInterval();
    AlertFiringBound bound = AlertFiringBound.of(prometheus.client(), ALERT, scrape).plus(POLL, "the watch's poll");
    chaos.evidence("alert firing bound (SD delay + 2.1 S + E + ceil(F/E) E)", ALERT + ": " + bound.formula());

    GatewayOutage outage = new GatewayOutage(chaos, prometheus, MODEL, LOAD_RATE, scrape)
        .fault("lost its GPU (XID 79)");
    chaos.inject(outage.load());
    outage.awaitServedBeforeFault();
    Instant injectedAt = outage.markFault();
    chaos.inject(Faults.gpuXid(DCGM_NAMESPACE, DCGM_SELECTOR, node, 0, 79));

    try (FiringWatch firing = prometheus.watchFiring(injectedAt, List.of(bound))) {
      AlertFiring fired = firing.await(ALERT);
      outage.timeline().fired(bound, fired);
      String firingQuery = "ALERTS{alertname=\"" + ALERT + "\", alertstate=\"firing\"}";
      String evidence = PromEvidence.describe(firingQuery, prometheus.client().query(firingQuery));
      chaos.evidence("alert " + ALERT + " firing", fired + "\n" + evidence);
      chaos.record(new KeyNumber(TIME_TO_FIRE, fired.firingAfter().toMillis() / 1000.0, "s", "polled every "
          + POLL.toMillis() + " ms through /api/v1/rules; bound " + bound.formula()));
      assertThat(prometheus.client().alerts()).as("%s firing for node %s with xid 79", ALERT, node)
          .anyMatch(a -> a.name().equals(ALERT) && a.state() == AlertState.FIRING
              && node.equals(a.labels().get("Hostname")) && "79".equals(a.labels().get("xid")));
      outage.awaitNoReadyEndpoint(probes, NAMESPACE);
      chaos.record(workload(node));
      outage.recordRatios();
    }
  }

  static Finding workload(String node) {
    return new Finding(WORKLOAD + ": " + MODEL + " died with it", "After XID 79 on GPU 0 of " + node + " the "
        + MODEL + " server on it died: its streams were cut, its pod turned unready and left the Service's "
        + "endpoints, and the gateway answered 503 for the model until the GPU came back. This is the lab's "
        + "model of vLLM on a lost GPU (the engine dies on the first CUDA error and restarts fail until the GPU "
        + "is reset); on a real node 'dcgmi test --inject' changes only what DCGM reports, so there the "
        + "experiment checks the alerting path and the model keeps serving", "node " + node);
  }
}
