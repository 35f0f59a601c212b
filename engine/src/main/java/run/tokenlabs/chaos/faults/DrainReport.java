package run.tokenlabs.chaos.faults;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What a node drain did ({@link DrainNodeFault#report()}): which pods the Eviction API moved, which it
 * could not move within the retry bound and why, and which the drain left alone.
 *
 * @param node the drained node
 * @param evicted pods evicted, as {@code namespace/name}, in the order they were
 * @param blocked pods whose eviction was refused until the bound, to why (the PodDisruptionBudgets that held them)
 * @param leftAlone pods not evicted by choice (DaemonSet, mirror, terminating, or in a namespace the drain may
 *     not act in), to the reason
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record DrainReport(String node, List<String> evicted, Map<String, String> blocked,
    Map<String, String> leftAlone) {

  public DrainReport {
    Objects.requireNonNull(node, "node");
    evicted = List.copyOf(evicted);
    blocked = Collections.unmodifiableMap(new LinkedHashMap<>(blocked));
    leftAlone = Collections.unmodifiableMap(new LinkedHashMap<>(leftAlone));
  }

  /** Whether every pod the drain meant to move has gone: nothing blocked. */
  public boolean complete() {
    return blocked.isEmpty();
  }
}
