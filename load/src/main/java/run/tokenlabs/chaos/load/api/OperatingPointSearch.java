package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleFunction;
import org.apiguardian.api.API;
import org.HdrHistogram.Histogram;

/**
 * Finds the highest request rate whose TTFT and TPOT percentiles meet a {@link PercentileSlo}: the
 * operating point, where a fault matters most. Each probe is a bounded open-loop run of the given load
 * at one rate (Poisson arrivals; the probe's duration and request count bound it).
 *
 * <p>Strategy: exponential growth, then bisection. Probe {@code startRate}, then multiply the rate by
 * {@code growth} while probes meet the objective, up to {@code maxRate}. Once a probe misses, bisect
 * between the highest rate that met and the lowest that missed (geometric midpoint) until they are
 * within {@code tolerance} of each other (relative). The search stops there, at {@code maxRate} when
 * every rate met, or after {@code maxProbes} probes, whichever comes first; the answer is the highest
 * rate that met, and the lowest that missed above it.
 *
 * <p>Noise: a probe is one sample of a random load, and near the boundary one probe may meet and the
 * next, at a slightly lower rate, miss. Bisection trusts each verdict, so it converges to a rate where
 * the objective is met about as often as not; the answer is the highest rate seen to meet, not a
 * guarantee. Longer probes (more requests per percentile) shrink the scatter; a production choice
 * should rerun the chosen rate, and back off from it.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class OperatingPointSearch {
  private final DoubleFunction<LoadSpec> specAt;
  private final PercentileSlo slo;
  private final double startRate;
  private final double maxRate;
  private final double growth;
  private final double tolerance;
  private final int maxProbes;
  private final DoubleFunction<OperatingPoint.Probe> prober;

  private OperatingPointSearch(DoubleFunction<LoadSpec> specAt, PercentileSlo slo, double startRate, double maxRate,
                               double growth, double tolerance, int maxProbes, DoubleFunction<OperatingPoint.Probe> prober) {
    if (!(startRate > 0) || !(maxRate >= startRate) || !(growth > 1) || !(tolerance > 0) || maxProbes < 1) {
      throw new IllegalArgumentException("OperatingPointSearch needs 0 < startRate <= maxRate, growth > 1, tolerance"
          + " > 0 and maxProbes >= 1; saw startRate " + startRate + ", maxRate " + maxRate + ", growth " + growth
          + ", tolerance " + tolerance + ", maxProbes " + maxProbes);
    }
    this.specAt = specAt;
    this.slo = slo;
    this.startRate = startRate;
    this.maxRate = maxRate;
    this.growth = growth;
    this.tolerance = tolerance;
    this.maxProbes = maxProbes;
    this.prober = prober != null ? prober : this::probe;
  }

  /**
   * A search over open-loop loads of {@code workload} to {@code endpoint}, each probe {@code probe}
   * long and at most {@code probe x rate x 2} requests, each request timed out after the probe's length
   * (at least 2 s); from 1 req/s, doubling, up to 1 000 req/s, bisecting to 10 %, at most 12 probes.
   */
  public static OperatingPointSearch of(Endpoint endpoint, Workload workload, PercentileSlo slo, Duration probe) {
    Objects.requireNonNull(probe, "probe");
    // a probe must end soon after its duration even at a rate the server cannot take
    Duration timeout = probe.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : probe;
    DoubleFunction<LoadSpec> specAt = rate -> Load.openLoop(endpoint, Arrivals.poisson(rate))
        .withWorkload(workload)
        .withBounds(Bounds.of(probe, (int) Math.max(1, Math.ceil(2 * rate * probe.toNanos() / 1e9)))
            .withRequestTimeout(timeout))
        .withSlo(slo.perRequest(timeout))
        .withProgress(Progress.none());
    return new OperatingPointSearch(specAt, slo, 1, 1000, 2, 0.1, 12, null);
  }

  /** A search whose probe at each rate is the load {@code specAt} gives (bounded, open-loop at that rate). */
  public static OperatingPointSearch over(DoubleFunction<LoadSpec> specAt, PercentileSlo slo) {
    return new OperatingPointSearch(specAt, slo, 1, 1000, 2, 0.1, 12, null);
  }

  /** For tests of the strategy: probes judged by {@code prober} instead of loads. */
  static OperatingPointSearch withProber(PercentileSlo slo, DoubleFunction<OperatingPoint.Probe> prober) {
    return new OperatingPointSearch(rate -> {
      throw new UnsupportedOperationException("no load in a strategy test");
    }, slo, 1, 1000, 2, 0.1, 12, prober);
  }

  public OperatingPointSearch startingAt(double rate) {
    return new OperatingPointSearch(specAt, slo, rate, Math.max(rate, maxRate), growth, tolerance, maxProbes, custom());
  }

  public OperatingPointSearch upTo(double rate) {
    return new OperatingPointSearch(specAt, slo, Math.min(startRate, rate), rate, growth, tolerance, maxProbes, custom());
  }

  /** Growth factor of the first phase (> 1). */
  public OperatingPointSearch growingBy(double factor) {
    return new OperatingPointSearch(specAt, slo, startRate, maxRate, factor, tolerance, maxProbes, custom());
  }

  /** Bisection stops when the missing rate is within {@code relative} of the meeting one. */
  public OperatingPointSearch within(double relative) {
    return new OperatingPointSearch(specAt, slo, startRate, maxRate, growth, relative, maxProbes, custom());
  }

  public OperatingPointSearch atMostProbes(int probes) {
    return new OperatingPointSearch(specAt, slo, startRate, maxRate, growth, tolerance, probes, custom());
  }

  /** The load a probe at {@code rate} runs: also the load to run at the chosen point while a fault acts. */
  public LoadSpec specAt(double rate) {
    return specAt.apply(rate);
  }

  /** Runs the search (probe after probe, each bounded) and returns every probe and the operating point. */
  public OperatingPoint run() {
    List<OperatingPoint.Probe> probes = new ArrayList<>();
    OperatingPoint.Probe best = null;
    OperatingPoint.Probe above = null;
    double rate = startRate;
    while (probes.size() < maxProbes) {
      OperatingPoint.Probe p = prober.apply(rate);
      probes.add(p);
      if (p.meets()) {
        best = best == null || p.rate() > best.rate() ? p : best;
      } else {
        above = above == null || p.rate() < above.rate() ? p : above;
      }
      if (above == null) {
        if (rate >= maxRate) {
          break; // every rate up to the ceiling met
        }
        rate = Math.min(maxRate, rate * growth);
      } else {
        if (best == null || above.rate() <= best.rate() * (1 + tolerance)) {
          break; // the lowest rate missed, or the bracket is narrow enough
        }
        rate = Math.sqrt(best.rate() * above.rate());
      }
    }
    return new OperatingPoint(slo, probes, Optional.ofNullable(best), Optional.ofNullable(above));
  }

  private DoubleFunction<OperatingPoint.Probe> custom() {
    return prober;
  }

  private OperatingPoint.Probe probe(double rate) {
    LoadResult result = specAt.apply(rate).run();
    LatencyHistograms h = result.histograms();
    double ttft = millisAt(h.ttftAtDeadlineMicros(), slo.percentile());
    double tpot = millisAt(h.tpotMicros(), slo.percentile());
    long scheduled = result.ledger().scheduled();
    double complete = scheduled == 0 ? 0 : (double) result.ledger().count(Outcome.COMPLETE) / scheduled;
    boolean meets = scheduled > 0 && ttft <= slo.ttft().toNanos() / 1e6
        && (Double.isNaN(tpot) || tpot <= slo.tpot().toNanos() / 1e6);
    double goodput = result.goodput().map(Goodput::perSecond).orElse(Double.NaN);
    return new OperatingPoint.Probe(rate, scheduled, complete, ttft, tpot, goodput, meets);
  }

  private static double millisAt(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
