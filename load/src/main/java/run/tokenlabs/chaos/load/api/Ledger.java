package run.tokenlabs.chaos.load.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * The account of a run: every scheduled request in exactly one {@link Outcome}. {@link #unaccounted()}
 * is {@code scheduled} minus the sum of the classes; anything but zero is a defect of the run, reported
 * in {@link LoadResult#errors()}, never silently dropped.
 *
 * @param byOutcome count per outcome, every outcome present (zero where none)
 * @param byHttpStatus count per status of the {@link Outcome#HTTP_ERROR} requests
 * @param byTruncationSignal count per signal among the {@link Outcome#TRUNCATED} requests (one request may carry several)
 */
public record Ledger(
    long scheduled,
    Map<Outcome, Long> byOutcome,
    Map<Integer, Long> byHttpStatus,
    Map<TruncationSignal, Long> byTruncationSignal) {

  public Ledger {
    byOutcome = Map.copyOf(byOutcome);
    byHttpStatus = Map.copyOf(new TreeMap<>(byHttpStatus));
    byTruncationSignal = Map.copyOf(byTruncationSignal);
  }

  public long count(Outcome outcome) {
    return byOutcome.getOrDefault(outcome, 0L);
  }

  /** The sum of all classes. */
  public long accounted() {
    return byOutcome.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Scheduled minus accounted: zero when nothing was lost. */
  public long unaccounted() {
    return scheduled - accounted();
  }

  public boolean balanced() {
    return unaccounted() == 0;
  }

  @Override
  public String toString() {
    var sb = new StringBuilder("scheduled ").append(scheduled).append(" =");
    for (Outcome o : Outcome.values()) {
      sb.append(' ').append(o.name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(count(o));
    }
    if (!balanced()) {
      sb.append(", UNACCOUNTED ").append(unaccounted());
    }
    return sb.toString();
  }
}
