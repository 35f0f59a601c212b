package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.lab.api.ModelTracing;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.HttpExpectation;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;
import run.tokenlabs.chaos.scenarios.experiments.support.DeviatesByDesign;
import run.tokenlabs.chaos.scenarios.experiments.support.Gateway;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.PromEvidence;
import run.tokenlabs.chaos.scenarios.experiments.support.TraceAudit;
import run.tokenlabs.chaos.scenarios.lab.LabControls;
import run.tokenlabs.chaos.scenarios.lab.faults.GatewayTraceExport;
import run.tokenlabs.chaos.scenarios.lab.faults.ModelTracingSwitch;

/**
 * TRACE-2 and TRACE-3 of the reference run as a deployment check: with a trace backend configured, every
 * traced request through the gateway must have a span of every hop in its trace (100% coverage, HELD), or
 * the experiment DEVIATES naming the broken hop and its likely cause; it ERRORs when the backend cannot be
 * asked. On the lab it runs once healthy and once with the gateway's span exporter misconfigured as the
 * reference run's Envoy was (reports to a listener that does not take them): its spans are created, none
 * is stored, and coverage falls to the reference run's 0%, which the gateway's own tracer counters explain;
 * and once with DeepSeek's server dropping {@code traceparent}, as the reference run's vLLM did.
 */
@ChaosExperiment(id = "TRACE-2/3", title = "Deployment check: end-to-end trace coverage reaches 100%, or the "
    + "broken hop is named", recoverySeconds = 30)
class TraceCoverageCheckIT {
  static final int REQUESTS_PER_MODEL = 5;
  static final Duration SETTLE = Duration.ofSeconds(20);
  static final String GATEWAY_SPANS_SENT = "gateway spans sent by its tracer during the check";
  private static final String SPANS_SENT = "sum(envoy_tracing_zipkin_spans_sent)";
  private static final String EXPORTER = "envoy_tracing_zipkin_(spans_sent|reports_sent|reports_dropped|reports_failed)";

  @SteadyState
  Hypothesis gatewayServes(Probes probes, Target target) {
    return Hypothesis.of("the gateway serves " + GatewayStreams.DEEPSEEK,
        Gateway.completion(probes, target, GatewayStreams.DEEPSEEK).is(HttpExpectation.status(200)));
  }

  @Test
  @DisplayName("healthy tracing: every traced request has a span of the gateway and of its model")
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, keyNumbers = TraceAudit.COVERAGE)
  void everyHopReachesTheBackend(Chaos chaos, Probes probes) {
    check(chaos, probes);
  }

  @Test
  @DisplayName("gateway exporter misconfigured: spans created, none stored, coverage 0%, the gateway named")
  @RequiresCapability(LabControls.class)
  @DeviatesByDesign
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.DEVIATED,
      findings = TraceAudit.BROKEN_HOP + TraceAudit.GATEWAY + ": spans created but not ingested",
      keyNumbers = {TraceAudit.COVERAGE, GATEWAY_SPANS_SENT})
  void gatewayExporterMisconfigured(Chaos chaos, Probes probes) {
    probes.traces(); // the lab's backend starts on first use: up before the fault and the requests
    chaos.inject(GatewayTraceExport.misconfigured());
    check(chaos, probes);
  }

  @Test
  @DisplayName("DeepSeek's server drops traceparent: its spans land in traces of their own, the model named")
  @RequiresCapability(LabControls.class)
  @DeviatesByDesign
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.DEVIATED,
      findings = TraceAudit.BROKEN_HOP + GatewayStreams.DEEPSEEK + ": spans in traces of their own (propagation)",
      keyNumbers = {TraceAudit.COVERAGE, TraceAudit.IN_BACKEND + GatewayStreams.DEEPSEEK})
  void modelDropsTraceparent(Chaos chaos, Probes probes) {
    probes.traces();
    chaos.inject(ModelTracingSwitch.set(GatewayStreams.DEEPSEEK, ModelTracing.DROPS_TRACEPARENT));
    check(chaos, probes);
  }

  private static void check(Chaos chaos, Probes probes) {
    PrometheusProbes prometheus = probes.prometheus();
    double sentBefore = Gateway.counter(prometheus, SPANS_SENT);
    TraceAudit audit = TraceAudit.run(chaos, probes, REQUESTS_PER_MODEL, SETTLE);
    gatewayTracerCounters(chaos, prometheus, sentBefore);
    assertThat(audit.coverage()).as("end-to-end trace coverage in %%; broken hops: %s", audit.brokenHops())
        .isEqualTo(100.0);
  }

  /**
   * The gateway's own account, as Envoy's tracer stats give it: how many spans it sent while the check
   * ran, and how its reports fared. Awaited for a few scrapes; a gateway without these stats leaves only
   * the evidence of their absence.
   */
  private static void gatewayTracerCounters(Chaos chaos, PrometheusProbes prometheus, double sentBefore) {
    Duration wait = prometheus.scrapeInterval().multipliedBy(3).plusSeconds(2);
    double sent = Awaiting.reading(SPANS_SENT, () -> Gateway.counter(prometheus, SPANS_SENT) - sentBefore)
        .atMost(wait).pollEvery(Duration.ofMillis(250))
        .untilOrEmpty(delta -> delta >= 2L * REQUESTS_PER_MODEL).orElse(0.0);
    String query = "sum by (__name__) ({__name__=~\"" + EXPORTER + "\"})";
    chaos.evidence("gateway tracer counters (Envoy tracing.zipkin.*)",
        PromEvidence.describe(query, prometheus.client().query(query)));
    if (sent > 0) {
      chaos.record(new KeyNumber(GATEWAY_SPANS_SENT, sent, "spans", "increase of " + SPANS_SENT + " over the check, "
          + "read from Prometheus within " + wait.toSeconds() + " s"));
    }
  }
}
