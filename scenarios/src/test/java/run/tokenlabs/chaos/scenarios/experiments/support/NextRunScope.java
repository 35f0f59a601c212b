package run.tokenlabs.chaos.scenarios.experiments.support;

import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Finding.Severity;

/**
 * The recommended actions the experiments attach to their findings, as the reference run's "next run
 * scope" words them; the summary page lists them, most severe first, each linked to its finding.
 */
public final class NextRunScope {
  private NextRunScope() {}

  /** LLMD-3: nothing recreates a bare pod. */
  public static Finding wrapInDeployment(Finding f) {
    return f.withAction(Severity.HIGH, "Wrap every inference pod in a Deployment (a bare pod with restartPolicy Never "
        + "stays gone after a force-delete), then re-run the LLMD-3 force-delete.");
  }

  /** LLMD-3: rules written on series that vanish stay silent. */
  public static Finding absenceRules(Finding f) {
    return f.withAction(Severity.HIGH, "Deploy the pod-absence and metric-staleness rules (TokenLabsPodAbsent, "
        + "VLLMMetricsAbsent, TokenLabsServiceNoEndpoints, SLOBurnRateGatewayLayer in rules/) and validate that each "
        + "fires by re-running the LLMD-3 force-delete.");
  }

  /** NEXT-RUN-2: chunked prefill lowers the short prompts' tail. */
  public static Finding enableChunkedPrefill(Finding f) {
    return f.withAction(Severity.MEDIUM, "Add --enable-chunked-prefill --max-num-batched-tokens 2048 to the DeepSeek "
        + "and Llama vLLM serving args, re-run the bucket load and compare p95 TTFT per bucket against the SLO-1 "
        + "baseline.");
  }

  /** DCGM-1: frame-buffer memory is not exported. */
  public static Finding exportFrameBuffer(Finding f) {
    return f.withAction(Severity.MEDIUM, "Add DCGM_FI_DEV_FB_USED and DCGM_FI_DEV_FB_FREE (fields 252/253) to the "
        + "dcgm-exporter's counters CSV (its ConfigMap) and restart the exporter.");
  }

  /** FAILURE-1: the reference load was too light to build KV pressure. */
  public static Finding heavierKvLoad(Finding f) {
    return f.withAction(Severity.LOW, "Run FAILURE-1 with 32k-token contexts at 50+ concurrent sessions (this run's "
        + "pressure load), not the reference run's 12 x 700-token prompts.");
  }
}
