package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What an {@link OperatingPointSearch} found: every probe in the order it ran, the highest rate that
 * met the objective ({@link #chosen()}) and the lowest rate above it that did not ({@link #firstAbove()}),
 * empty when the search never saw a failing rate (it stopped at its highest rate).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record OperatingPoint(PercentileSlo slo, List<Probe> probes, Optional<Probe> chosen, Optional<Probe> firstAbove) {

  /**
   * One bounded open-loop run at {@code rate} requests per second and what it measured: TTFT and TPOT
   * at the objective's percentile (milliseconds; NaN when nothing was measured), the share of scheduled
   * requests that completed, the goodput (requests per second that met the per-request SLO), and
   * whether the probe met the objective.
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Probe(double rate, long scheduled, double completeShare, double ttftMillis, double tpotMillis,
                      double goodputPerSecond, boolean meets) {
    @Override
    public String toString() {
      return String.format("%.2f req/s: TTFT %.1f ms, TPOT %.2f ms, %d sent, %.0f%% complete, goodput %.2f req/s, %s",
          rate, ttftMillis, tpotMillis, scheduled, 100 * completeShare, goodputPerSecond, meets ? "meets" : "misses");
    }
  }

  public OperatingPoint {
    probes = List.copyOf(probes);
  }

  /** The chosen rate, requests per second; empty when even the first probe missed the objective. */
  public Optional<Double> rate() {
    return chosen.map(Probe::rate);
  }

  @Override
  public String toString() {
    var sb = new StringBuilder("Operating point for TTFT p").append(slo.percentile()).append(" <= ")
        .append(slo.ttft().toMillis()).append(" ms and TPOT <= ").append(slo.tpot().toMillis()).append(" ms: ")
        .append(chosen.map(p -> String.format("%.2f req/s", p.rate())).orElse("none (the lowest rate missed)"));
    firstAbove.ifPresent(p -> sb.append(String.format(", %.2f req/s misses", p.rate())));
    probes.forEach(p -> sb.append("\n  ").append(p));
    return sb.toString();
  }
}
