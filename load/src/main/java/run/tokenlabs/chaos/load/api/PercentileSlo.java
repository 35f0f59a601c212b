package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * An objective on a load as a whole, as an operating-point search judges each probe: the
 * {@code percentile} of TTFT at most {@code ttft} and the same percentile of TPOT at most {@code tpot}.
 * TTFT is read over every scheduled request, one that never got a first token counted at its request
 * timeout ({@link LatencyHistograms#ttftAtDeadlineMicros()}), so a rate where requests fail cannot pass;
 * TPOT over the complete requests that have one.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record PercentileSlo(double percentile, Duration ttft, Duration tpot) {

  public PercentileSlo {
    Objects.requireNonNull(ttft, "ttft");
    Objects.requireNonNull(tpot, "tpot");
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("PercentileSlo percentile must be in (0, 100], was " + percentile);
    }
    if (ttft.isNegative() || ttft.isZero() || tpot.isNegative() || tpot.isZero()) {
      throw new IllegalArgumentException("PercentileSlo limits must be > 0, were TTFT " + ttft + " and TPOT " + tpot);
    }
  }

  /** TTFT p95 at most {@code ttft} and TPOT p95 at most {@code tpot}. */
  public static PercentileSlo p95(Duration ttft, Duration tpot) {
    return new PercentileSlo(95, ttft, tpot);
  }

  /** The per-request SLO with the same limits, for goodput (requests that met both, per second). */
  public Slo perRequest(Duration e2e) {
    return Slo.of(ttft, tpot, e2e);
  }
}
