package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Objects;
import org.HdrHistogram.Histogram;
import org.apiguardian.api.API;

/**
 * A closed loop's latencies corrected for coordinated omission, beside the raw ones. A session issues
 * its next request only when the previous one ends, so while a server stalls the sessions wait instead
 * of issuing: the requests that a steady stream would have sent during the stall are never measured,
 * and the raw percentiles read as if the stall had hit a handful of requests. HdrHistogram's correction
 * ({@link Histogram#copyCorrectedForCoordinatedOmission(long)}, the same as recording each value with
 * {@code recordValueWithExpectedInterval}) adds, for each value longer than the expected interval, the
 * values those missing requests would have seen.
 *
 * <p>The expected interval is the median time a session took per request over the run
 * ({@link LatencyHistograms#cycleMicros()}); an open loop needs no correction, its latencies run from
 * the scheduled arrival. Values in microseconds, as in {@link LatencyHistograms}; getters return copies.
 *
 * @param expectedInterval the interval at which a session issued requests when nothing stalled
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record CoordinatedOmission(Duration expectedInterval, Histogram ttftMicros, Histogram e2eMicros,
                                  Histogram ttftAtDeadlineMicros) {

  public CoordinatedOmission {
    Objects.requireNonNull(expectedInterval, "expectedInterval");
    ttftMicros = ttftMicros.copy();
    e2eMicros = e2eMicros.copy();
    ttftAtDeadlineMicros = ttftAtDeadlineMicros.copy();
  }

  /** Corrects {@code raw}'s TTFT, E2E and TTFT-at-deadline with its median cycle as the expected interval. */
  public static CoordinatedOmission of(LatencyHistograms raw) {
    Histogram cycle = raw.cycleMicros();
    long interval = cycle.getTotalCount() == 0 ? 0 : Math.max(1, cycle.getValueAtPercentile(50));
    return new CoordinatedOmission(Duration.ofNanos(interval * 1_000), correct(raw.ttftMicros(), interval),
        correct(raw.e2eMicros(), interval), correct(raw.ttftAtDeadlineMicros(), interval));
  }

  private static Histogram correct(Histogram h, long interval) {
    return interval == 0 ? h : h.copyCorrectedForCoordinatedOmission(interval);
  }

  @Override
  public Histogram ttftMicros() {
    return ttftMicros.copy();
  }

  @Override
  public Histogram e2eMicros() {
    return e2eMicros.copy();
  }

  @Override
  public Histogram ttftAtDeadlineMicros() {
    return ttftAtDeadlineMicros.copy();
  }
}
