package run.tokenlabs.chaos.load.api;

/** How requests are paced: by an arrival schedule (open) or by a fixed number of sessions (closed). */
public sealed interface Loop permits Loop.Open, Loop.Closed {

  /** Requests start when the {@link Arrivals} say, whether or not earlier ones have finished. */
  record Open(Arrivals arrivals) implements Loop {
    public Open {
      java.util.Objects.requireNonNull(arrivals, "arrivals");
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
