package run.tokenlabs.chaos.load.scaleout;

/**
 * How a whole (sessions, requests, a rate) is split over {@code n} workers so that the shares sum to
 * it: integer wholes give each worker {@code total / n} and the first {@code total % n} one more, so no
 * two shares differ by more than one and none is lost to rounding.
 */
final class Shares {
  private Shares() {
  }

  /** Worker {@code index}'s share of {@code total} among {@code n}. */
  static long of(long total, int n, int index) {
    check(n, index);
    return total / n + (index < total % n ? 1 : 0);
  }

  /** Worker {@code index}'s share of a rate: an equal part (a rate has no unit to hand out one by one). */
  static double ofRate(double total, int n, int index) {
    check(n, index);
    return total / n;
  }

  /**
   * The seed of worker {@code index}: the load's own for worker 0, so a load on one worker draws what it
   * draws unsplit, and a different one for each other worker, so the workers do not send the same
   * sequence of requests.
   */
  static long seed(long seed, int index) {
    return seed + index * 0x9E3779B97F4A7C15L;
  }

  private static void check(int n, int index) {
    if (n < 1) {
      throw new IllegalArgumentException("A load is split over at least 1 worker, was " + n);
    }
    if (index < 0 || index >= n) {
      throw new IllegalArgumentException("Worker index " + index + " is outside 0.." + (n - 1) + " for " + n
          + " workers; the index is the pod's JOB_COMPLETION_INDEX, which an Indexed Job of " + n
          + " completions sets below " + n);
    }
  }
}
