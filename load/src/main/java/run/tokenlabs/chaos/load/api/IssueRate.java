package run.tokenlabs.chaos.load.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * Requests issued per second of a run, by intended start, and the warning a closed loop owes its
 * reader when that rate collapses: a stalled server holds every session, nothing is issued, and the
 * percentiles of what was measured hide the requests that were never sent.
 */
final class IssueRate {
  /** A second below this share of the run's median second counts as a collapse. */
  static final double COLLAPSE_SHARE = 0.1;

  private long[] perSecond = new long[64];
  private int seconds;

  void add(long intendedStartNanos) {
    int second = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, intendedStartNanos / 1_000_000_000L));
    if (second >= perSecond.length) {
      perSecond = Arrays.copyOf(perSecond, Math.max(second + 1, perSecond.length * 2));
    }
    perSecond[second]++;
    seconds = Math.max(seconds, second + 1);
  }

  /**
   * The warning, if some whole second of the run issued less than {@value #COLLAPSE_SHARE} of the median
   * second. The last second is left out (the run ends within it), and a run of fewer than three whole
   * seconds has no median to compare with.
   */
  Optional<String> collapse() {
    int whole = seconds - 1;
    if (whole < 3) {
      return Optional.empty();
    }
    long[] sorted = Arrays.copyOf(perSecond, whole);
    Arrays.sort(sorted);
    long median = sorted[whole / 2];
    int worst = 0;
    int low = 0;
    for (int s = 0; s < whole; s++) {
      if (perSecond[s] < perSecond[worst]) {
        worst = s;
      }
      if (perSecond[s] < median * COLLAPSE_SHARE) {
        low++;
      }
    }
    if (low == 0) {
      return Optional.empty();
    }
    return Optional.of("Closed loop: the issue rate collapsed in " + low + " of " + whole + " whole seconds (second "
        + worst + " issued " + perSecond[worst] + " requests against a median of " + median + " per second): the"
        + " sessions waited on slow requests instead of issuing, so the raw percentiles omit the requests a steady"
        + " load would have sent; read the corrected figures (LoadResult.coordinatedOmission()) and TTFT at deadline");
  }
}
