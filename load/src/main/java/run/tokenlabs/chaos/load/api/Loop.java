package run.tokenlabs.chaos.load.api;

/**
 * How requests are paced: by an arrival schedule (open), by a fixed number of sessions (closed), or by
 * a recorded trace (replay: open, at the trace's times, with each request's own lengths).
 */
public sealed interface Loop permits Loop.Open, Loop.Closed, Loop.Replay {

  /** Requests start when the {@link Arrivals} say, whether or not earlier ones have finished. */
  record Open(Arrivals arrivals) implements Loop {
    public Open {
      java.util.Objects.requireNonNull(arrivals, "arrivals");
    }
  }

  /**
   * The requests of a {@link RequestTrace}, each sent at its (scaled) offset from the load's start
   * whether or not earlier ones have finished, with its prompt length and output limit.
   */
  record Replay(RequestTrace trace) implements Loop {
    public Replay {
      java.util.Objects.requireNonNull(trace, "trace");
    }
  }

  /** {@code concurrency} sessions, each issuing its next request when its previous one ends. */
  record Closed(int concurrency) implements Loop {
    public Closed {
      if (concurrency < 1) {
        throw new IllegalArgumentException("Closed-loop concurrency must be >= 1, was " + concurrency);
      }
    }
  }
}
