package run.tokenlabs.chaos.load.api;

/**
 * How the HTTP client's pools are sized. {@link #sizedFromLoad()} sets the in-flight limit and the
 * connection pool from the load: the closed loop's concurrency, or the open loop's rate times the
 * request timeout (at most 4096), and refuses (outcome {@link Outcome#REJECTED}) an arrival that would
 * exceed it, so nothing waits unseen. The OkHttp dispatcher ({@code maxRequests},
 * {@code maxRequestsPerHost}) admits twice the limit, so that a closed-loop session's next request,
 * sent while its previous call still holds a slot, never waits in OkHttp's queue.
 *
 * <p>{@link #naiveDefaults()} keeps OkHttp's defaults (64 requests, 5 per host, 5 idle connections).
 * It exists only to show the connection-pool trap of the reference run, where 45 of 50 requests were
 * silently dropped by the client: here the ledger shows them as dispatch delay and as requests
 * rejected after waiting in the client's queue past their timeout.
 */
public record ClientPool(Sizing sizing, int maxInFlight) {
  /** The most requests a pool sized from an open loop allows in flight, however high its rate. */
  static final int MAX_IN_FLIGHT_CAP = 4096;

  /** Where the limits come from. */
  public enum Sizing { FROM_LOAD, FIXED, NAIVE_DEFAULTS }

  public ClientPool {
    if (sizing == Sizing.FIXED && maxInFlight < 1) {
      throw new IllegalArgumentException("ClientPool maxInFlight must be >= 1, was " + maxInFlight);
    }
  }

  public static ClientPool sizedFromLoad() {
    return new ClientPool(Sizing.FROM_LOAD, 0);
  }

  /** At most {@code maxInFlight} requests at once; arrivals beyond are rejected and counted. */
  public static ClientPool fixed(int maxInFlight) {
    return new ClientPool(Sizing.FIXED, maxInFlight);
  }

  /** OkHttp's library defaults: for demonstrating the trap only. */
  public static ClientPool naiveDefaults() {
    return new ClientPool(Sizing.NAIVE_DEFAULTS, 0);
  }

  /**
   * The most requests in flight at once this pool allows for a load paced by {@code loop} within
   * {@code bounds}: the fixed limit; the closed loop's concurrency; the open loop's rate times the
   * request timeout (at least 1, at most {@value #MAX_IN_FLIGHT_CAP} and the request bound); or 0
   * for {@link #naiveDefaults()}, whose limits are OkHttp's own.
   */
  public int inFlightLimit(Loop loop, Bounds bounds) {
    return switch (sizing) {
      case FIXED -> maxInFlight;
      case NAIVE_DEFAULTS -> 0;
      case FROM_LOAD -> fromLoad(loop, bounds);
    };
  }

  private static int fromLoad(Loop loop, Bounds bounds) {
    if (loop instanceof Loop.Closed closed) {
      return closed.concurrency();
    }
    if (loop instanceof Loop.Replay replay) {
      return (int) Math.max(1, Math.min(MAX_IN_FLIGHT_CAP, Math.min(bounds.maxRequests(),
          mostWithin(replay.trace(), bounds.requestTimeout().toNanos()))));
    }
    double rate = ((Loop.Open) loop).arrivals().ratePerSecond();
    double timeoutSeconds = bounds.requestTimeout().toNanos() / 1e9;
    long needed = (long) Math.ceil(rate * timeoutSeconds);
    return (int) Math.max(1, Math.min(MAX_IN_FLIGHT_CAP, Math.min(needed, bounds.maxRequests())));
  }

  /** The most requests of the trace due within any window of {@code windowNanos}: how many can be in flight. */
  private static int mostWithin(RequestTrace trace, long windowNanos) {
    int most = 0;
    int from = 0;
    for (int to = 0; to < trace.size(); to++) {
      while (trace.scaledOffsetNanos(to) - trace.scaledOffsetNanos(from) >= windowNanos) {
        from++;
      }
      most = Math.max(most, to - from + 1);
    }
    return most;
  }
}
