package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.util.Locale;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;

/**
 * The GPU time a measured latency stands for. The lab runs its simulated GPU faster than real hardware
 * (gb10: time scale 0.01, so a 5 s prefill of 32k tokens takes 50 ms of wall time); its latencies are
 * divided by the time scale before they are compared with figures of real hardware (the reference run's
 * 44.8 s, SLO-2's 30 s). The client's and the gateway's own overhead (tens of milliseconds on a busy 2-core
 * machine) is scaled up with them and adds seconds of "GPU time": it matters for small figures (a first token
 * after a short prefill) far more than for large ones (a first content token after a reasoning chain). On a
 * cluster the scale is 1: wall time as measured.
 *
 * @param timeScale wall seconds per GPU second
 * @param how where the scale comes from, for notes
 */
public record GpuClock(double timeScale, String how) {

  /** The target's clock: the lab profile's time scale, or 1 on a cluster. */
  public static GpuClock of(Target target) {
    return target.unwrap(LabTarget.class)
        .map(t -> t.lab().profile().timeScale())
        .map(scale -> new GpuClock(scale, "GPU time = lab wall time / time scale " + format(scale)))
        .orElse(new GpuClock(1.0, "wall time"));
  }

  /** The clock while every step runs {@code factor} times slower (see {@code StepSlowdown}). */
  public GpuClock slowedBy(double factor) {
    return timeScale == 1.0 && factor == 1.0 ? this : new GpuClock(timeScale * factor,
        "GPU time = lab wall time / effective time scale " + format(timeScale * factor) + " (" + format(timeScale)
            + " x step slowdown " + format(factor) + ")");
  }

  public double seconds(Duration wall) {
    return wall.toNanos() / 1e9 / timeScale;
  }

  public double secondsFromMicros(long wallMicros) {
    return wallMicros / 1e6 / timeScale;
  }

  private static String format(double d) {
    return String.format(Locale.ROOT, "%.4g", d);
  }
}
