package run.tokenlabs.chaos.scenarios.experiments.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * A background load's requests split at a fault: <em>before</em> (ended before the pod was deleted),
 * <em>outage</em> (sent once the gateway had had time to see that no endpoint was left) and the
 * <em>transition</em> between (in flight at the deletion, or routed while the gateway's view caught
 * up). Times are {@link System#nanoTime()} values, compared with the load's origin.
 *
 * @param before requests that ended before the deletion
 * @param transition the rest that are in neither phase
 * @param outage requests sent at or after {@code outageFromNanos}
 */
public record OutageLedger(List<RequestRecord> before, List<RequestRecord> transition, List<RequestRecord> outage) {

  /** The load's records split at the deletion and at the start of the outage. */
  public static OutageLedger split(LoadResult result, long deletedAtNanos, long outageFromNanos) {
    return split(result.records(), result.originNanoTime(), deletedAtNanos, outageFromNanos);
  }

  /**
   * {@code records} (times relative to {@code originNanos}) split at {@code deletedAtNanos} and
   * {@code outageFromNanos}, both {@link System#nanoTime()} values.
   */
  public static OutageLedger split(List<RequestRecord> records, long originNanos, long deletedAtNanos, long outageFromNanos) {
    List<RequestRecord> before = new ArrayList<>();
    List<RequestRecord> transition = new ArrayList<>();
    List<RequestRecord> outage = new ArrayList<>();
    for (RequestRecord r : records) {
      if (originNanos + sentNanos(r) >= outageFromNanos) {
        outage.add(r);
      } else if (r.endNanos() >= 0 && originNanos + r.endNanos() < deletedAtNanos) {
        before.add(r);
      } else {
        transition.add(r);
      }
    }
    return new OutageLedger(List.copyOf(before), List.copyOf(transition), List.copyOf(outage));
  }

  /** When the request went out; its intended start if it never did. */
  private static long sentNanos(RequestRecord r) {
    return r.actualStartNanos() >= 0 ? r.actualStartNanos() : r.intendedStartNanos();
  }

  /** Requests of the outage answered with a 5xx status. */
  public long outage5xx() {
    return outage.stream().filter(r -> r.httpStatus() >= 500 && r.httpStatus() <= 599).count();
  }

  /** The share of the outage's requests answered with 5xx; NaN when there were none. */
  public double outage5xxRatio() {
    return outage.isEmpty() ? Double.NaN : (double) outage5xx() / outage.size();
  }

  /** One line per phase: count, outcomes, HTTP statuses and the first error detail seen. */
  public String describe() {
    return line("before the force-delete", before) + line("transition (in flight at the deletion, or routed "
        + "before the gateway saw the empty endpoints)", transition) + line("outage", outage);
  }

  private static String line(String phase, List<RequestRecord> records) {
    Map<Outcome, Long> outcomes = new TreeMap<>(records.stream().collect(Collectors.groupingBy(RequestRecord::outcome,
        Collectors.counting())));
    Map<Integer, Long> statuses = new TreeMap<>(records.stream()
        .collect(Collectors.groupingBy(RequestRecord::httpStatus, Collectors.counting())));
    String detail = records.stream().filter(r -> r.errorDetail() != null).map(RequestRecord::errorDetail).findFirst()
        .map(d -> ", e.g. '" + (d.length() > 100 ? d.substring(0, 100) + "..." : d) + "'").orElse("");
    return phase + ": n=" + records.size() + ", outcomes " + outcomes + ", HTTP status " + statuses + detail + "\n";
  }
}
