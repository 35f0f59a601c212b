package run.tokenlabs.chaos.load.api;

import java.time.Duration;

/**
 * Requests that met every objective of an {@link Slo} at once, and their rate over the run's wall time.
 * Only {@link Outcome#COMPLETE} requests can count: a truncated answer that arrived fast is not good.
 * A request with fewer than two output tokens has no TPOT and is judged on TTFT and E2E. A request
 * whose tokens were counted as chunks ({@link TokenCount#CHUNKS}) has no TPOT either; its TPOT objective
 * is judged on the chunk interval ({@link RequestRecord#chunkInterval()}), which is never below the
 * true time per token (every chunk carries at least one token), so a slow request is never counted good.
 */
public record Goodput(Slo slo, long met, long scheduled, double perSecond) {

  public static Goodput of(Slo slo, Iterable<RequestRecord> records, long scheduled, Duration wall) {
    long met = 0;
    for (RequestRecord r : records) {
      if (meets(slo, r)) {
        met++;
      }
    }
    double seconds = Math.max(wall.toNanos(), 1) / 1e9;
    return new Goodput(slo, met, scheduled, met / seconds);
  }

  /** True if {@code r} completed and met TTFT (on the SLO's basis), TPOT and E2E. */
  public static boolean meets(Slo slo, RequestRecord r) {
    if (r.outcome() != Outcome.COMPLETE) {
      return false;
    }
    var ttft = slo.ttftBasis() == Slo.TtftBasis.FIRST_CONTENT ? r.ttfc() : r.ttft();
    boolean ttftOk = ttft.map(d -> d.compareTo(slo.ttft()) <= 0).orElse(false);
    var perToken = r.tokenCount() == TokenCount.CHUNKS ? r.chunkInterval() : r.tpot();
    boolean tpotOk = perToken.map(d -> d.compareTo(slo.tpot()) <= 0).orElse(true);
    boolean e2eOk = r.e2e().map(d -> d.compareTo(slo.e2e()) <= 0).orElse(false);
    return ttftOk && tpotOk && e2eOk;
  }

  /** Share of scheduled requests that met the SLO, 0..1. */
  public double fraction() {
    return scheduled == 0 ? 0 : (double) met / scheduled;
  }
}
