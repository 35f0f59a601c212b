package run.tokenlabs.chaos.scenarios.lab.faults;

import java.time.Duration;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;

/**
 * Misconfigures the lab gateway's span exporter as the reference run's Envoy was: its reports go to OTLP's
 * path, which the Zipkin server does not take (404), so the gateway still creates its spans and passes
 * the trace on, but none of its spans is stored. Lab only: guard experiments with
 * {@code @RequiresCapability(LabControls.class)}.
 *
 * <p>Its rollback ({@link Restore}) puts back the exporter setting the gateway had.
 */
public final class GatewayTraceExport implements Fault<GatewayTraceExport.Restore> {
  private GatewayTraceExport() {
  }

  /** The gateway's exporter posting to a path the trace backend answers 404. */
  public static GatewayTraceExport misconfigured() {
    return new GatewayTraceExport();
  }

  @Override
  public String description() {
    return "lab gateway's span exporter posts to OTLP's /v1/traces, which the Zipkin server does not take";
  }

  @Override
  public Restore prepare(Target target) {
    return new Restore(LabTarget.labOf(target).gatewayExporterMisconfigured());
  }

  @Override
  public void act(Target target, Restore rollback) {
    LabTarget.labOf(target).setGatewayExporterMisconfigured(true);
  }

  /**
   * Puts the gateway's exporter setting back. Idempotent; on a target that is not the lab there is
   * nothing to restore.
   *
   * @param misconfigured the setting it had before
   */
  public record Restore(boolean misconfigured) implements Rollback {
    @Override
    public String description() {
      return "lab gateway's span exporter back to " + (misconfigured ? "OTLP's path" : "Zipkin's /api/v2/spans");
    }

    @Override
    public void undo(Target target, Duration timeout) {
      target.unwrap(LabTarget.class).ifPresent(lab -> lab.lab().setGatewayExporterMisconfigured(misconfigured));
    }
  }
}
