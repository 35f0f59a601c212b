package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.util.Locale;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Tolerance;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * Streams through the run's gateway, taken from the {@link Target} (never built), so the same
 * experiment runs against the lab and a cluster: endpoints for loads, and the steady-state probe
 * "one short streamed completion ends complete" (finish_reason, usage chunk and {@code [DONE]}).
 */
public final class GatewayStreams {
  /** The reference run's reasoning model (bare vLLM pod). */
  public static final String DEEPSEEK = "deepseek-r1-7b";
  /** The reference run's Deployment-managed SGLang model. */
  public static final String LLAMA = "llama-3-1-8b";

  private GatewayStreams() {
  }

  /** {@code /v1/completions} of {@code model} through the target's gateway. */
  public static Endpoint completions(Target target, String model) {
    return Endpoint.completions(gateway(target), model);
  }

  /** {@code /v1/chat/completions} of {@code model} through the target's gateway. */
  public static Endpoint chat(Target target, String model) {
    return Endpoint.chat(gateway(target), model);
  }

  /**
   * The open loop a fault runs under: {@code rate} streams a second of 96 tokens through the gateway, for
   * {@code duration}, each request bounded at 20 s; in the background, so the fault is injected into it.
   */
  public static BackgroundLoad backgroundStreams(Target target, String model, double rate, Duration duration) {
    return BackgroundLoad.of(model + " streams through the gateway",
        Load.openLoop(completions(target, model), Arrivals.constant(rate))
            .withWorkload(Bucket.of("stream", 16, 96))
            .withBounds(new Bounds(duration, (long) (rate * duration.toSeconds()), Duration.ofSeconds(20)))
            .withProgress(Progress.none()));
  }

  private static String gateway(Target target) {
    return target.gateway().orElseThrow(() -> new ProbeException("Target '" + target.name()
        + "' has no gateway; configure endpoints.gateway")).toString();
  }

  /** One streamed completion of 8 tokens through the gateway: its outcome and what came back. */
  public static Probe<StreamCheck> oneStream(Target target, String model) {
    return Probe.of("one streamed " + model + " completion through the gateway", () -> {
      LoadResult result = Load.closedLoop(completions(target, model), 1)
          .withWorkload(Bucket.of("probe", 16, 8))
          .withBounds(new Bounds(Duration.ofSeconds(10), 1, Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();
      if (result.records().isEmpty()) {
        throw new ProbeException("the probe's load booked no request: " + result);
      }
      return Reading.of(StreamCheck.of(result.records().get(0)));
    });
  }

  /** Accepts a stream that ended complete (finish_reason, usage chunk and {@code [DONE]}, no truncation signal). */
  public static Tolerance<StreamCheck> complete() {
    return Tolerance.satisfies("complete (finish_reason, usage, [DONE])", c -> c.outcome() == Outcome.COMPLETE);
  }

  /**
   * What one probe stream showed.
   *
   * @param outcome the load generator's classification
   * @param detail status, finish reason, tokens, usage, [DONE] and any truncation signal or error
   */
  public record StreamCheck(Outcome outcome, String detail) {
    public static StreamCheck of(RequestRecord r) {
      String detail = "HTTP " + r.httpStatus() + ", finish_reason " + r.finishReason() + ", " + r.tokensReceived()
          + " tokens, usage " + (r.usage() == null ? "none" : r.usage().completionTokens()) + ", [DONE] "
          + (r.doneReceived() ? "yes" : "no") + (r.truncation().isEmpty() ? "" : ", signals " + r.truncation())
          + (r.errorClass() == null ? "" : ", " + r.errorClass() + ": " + r.errorDetail());
      return new StreamCheck(r.outcome(), detail);
    }

    @Override
    public String toString() {
      return outcome.name().toLowerCase(Locale.ROOT) + " (" + detail + ")";
    }
  }
}
