package run.tokenlabs.chaos.load.api;

import java.time.Duration;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * HdrHistograms of one set of requests, in microseconds (1 us to 1 h, 3 significant digits), every
 * value measured from the intended start. No {@code recordValueWithExpectedInterval} correction is
 * applied: the intended start already accounts for coordinated omission, and applying both would
 * count the same waiting twice.
 *
 * <p>TTFT, time to first content, ITL (every inter-chunk gap), TPOT and E2E come from
 * {@link Outcome#COMPLETE} requests only, as the peers do; dispatch delay from every request that was
 * sent, so client-side queueing shows whatever became of the request. Getters return copies.
 */
public final class LatencyHistograms {
  static final long HIGHEST_MICROS = Duration.ofHours(1).toNanos() / 1_000;

  private final Histogram ttft = newHistogram();
  private final Histogram ttfc = newHistogram();
  private final Histogram itl = newHistogram();
  private final Histogram tpot = newHistogram();
  private final Histogram e2e = newHistogram();
  private final Histogram dispatchDelay = newHistogram();

  private LatencyHistograms() {}

  /** Builds the histograms of {@code records}. */
  public static LatencyHistograms of(Iterable<RequestRecord> records) {
    var h = new LatencyHistograms();
    for (RequestRecord r : records) {
      h.add(r);
    }
    return h;
  }

  private void add(RequestRecord r) {
    r.dispatchDelay().ifPresent(d -> record(dispatchDelay, d));
    if (r.outcome() != Outcome.COMPLETE) {
      return;
    }
    r.ttft().ifPresent(d -> record(ttft, d));
    r.ttfc().ifPresent(d -> record(ttfc, d));
    r.tpot().ifPresent(d -> record(tpot, d));
    r.e2e().ifPresent(d -> record(e2e, d));
    r.gaps().stream().forEach(micros -> recordMicros(itl, micros));
  }

  public Histogram ttftMicros() {
    return ttft.copy();
  }

  /** Time to first content token (answer text, after any reasoning). */
  public Histogram ttfcMicros() {
    return ttfc.copy();
  }

  public Histogram itlMicros() {
    return itl.copy();
  }

  public Histogram tpotMicros() {
    return tpot.copy();
  }

  public Histogram e2eMicros() {
    return e2e.copy();
  }

  public Histogram dispatchDelayMicros() {
    return dispatchDelay.copy();
  }

  /** The value at {@code percentile} (0-100) of {@code histogram}, empty if it holds no value. */
  public static Optional<Duration> percentile(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(histogram.getValueAtPercentile(percentile) * 1_000));
  }

  static Histogram newHistogram() {
    return new Histogram(HIGHEST_MICROS, 3);
  }

  private static void record(Histogram h, Duration d) {
    recordMicros(h, d.toNanos() / 1_000);
  }

  private static void recordMicros(Histogram h, long micros) {
    h.recordValue(Math.max(0, Math.min(HIGHEST_MICROS, micros)));
  }
}
