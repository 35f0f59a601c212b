package run.tokenlabs.chaos.scenarios.experiments;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.lab.api.ModelTracing;
import run.tokenlabs.chaos.probes.api.HttpExpectation;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.scenarios.experiments.support.Gateway;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.TraceAudit;
import run.tokenlabs.chaos.scenarios.lab.LabControls;
import run.tokenlabs.chaos.scenarios.lab.faults.GatewayTraceExport;
import run.tokenlabs.chaos.scenarios.lab.faults.ModelTracingSwitch;

/**
 * TRACE-1 of the reference run, the boundary instrumentation audit: requests with known W3C trace ids
 * through the gateway to every model, each trace read back from the target's trace backend. It reports,
 * per hop, whether the hop's spans reach the backend under the request's trace and whether it continues
 * the caller's context, and the end-to-end coverage, as key numbers; each broken hop is a finding naming
 * the likely cause ({@link TraceAudit}). An audit: it injects nothing and records what it sees (the
 * reference run found zero tracing and {@code traceparent} silently dropped by vLLM). Its deployment
 * check, which fails below 100%, is {@link TraceCoverageCheckIT}.
 */
@ChaosExperiment(id = "TRACE-1", title = "Boundary instrumentation audit: per hop, context propagated and spans "
    + "in the trace backend; end-to-end trace coverage", recoverySeconds = 30)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, keyNumbers = {TraceAudit.COVERAGE,
    TraceAudit.IN_BACKEND + TraceAudit.GATEWAY, TraceAudit.IN_BACKEND + GatewayStreams.DEEPSEEK,
    TraceAudit.IN_BACKEND + GatewayStreams.LLAMA})
class TraceCoverageAuditIT {
  /** Requests per model: enough to tell a hop that loses some spans from one that loses all. */
  static final int REQUESTS_PER_MODEL = 5;
  /** How long exported spans may take to be queryable (batching exporters flush every few seconds). */
  static final Duration SETTLE = Duration.ofSeconds(20);

  @SteadyState
  Hypothesis gatewayServes(Probes probes, Target target) {
    return Hypothesis.of("the gateway serves " + GatewayStreams.DEEPSEEK,
        Gateway.completion(probes, target, GatewayStreams.DEEPSEEK).is(HttpExpectation.status(200)));
  }

  @Test
  @DisplayName("traced requests through the gateway: per-hop propagation and spans in the backend, coverage")
  void auditTraceCoverage(Chaos chaos, Probes probes) {
    TraceAudit.run(chaos, probes, REQUESTS_PER_MODEL, SETTLE);
  }

  /**
   * The lab set up as the reference run found its cluster: the gateway's exporter speaks a protocol its
   * collector does not accept, and DeepSeek's server drops {@code traceparent}. The audit completes
   * (HELD) and its findings name both hops and their causes, with coverage 0%.
   */
  @Test
  @DisplayName("as the reference run found it: gateway spans never ingested, DeepSeek dropping traceparent")
  @RequiresCapability(LabControls.class)
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, findings = {
      TraceAudit.BROKEN_HOP + TraceAudit.GATEWAY + ": spans created but not ingested",
      TraceAudit.BROKEN_HOP + GatewayStreams.DEEPSEEK + ": spans in traces of their own (propagation)"},
      keyNumbers = TraceAudit.COVERAGE)
  void auditAsTheReferenceRunFoundIt(Chaos chaos, Probes probes) {
    probes.traces(); // the lab's backend starts on first use: up before the faults and the requests
    chaos.inject(GatewayTraceExport.misconfigured());
    chaos.inject(ModelTracingSwitch.set(GatewayStreams.DEEPSEEK, ModelTracing.DROPS_TRACEPARENT));
    TraceAudit.run(chaos, probes, REQUESTS_PER_MODEL, SETTLE);
  }
}
