package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When a watched alert was first seen pending and then firing, both measured from the instant the
 * watch counts from (typically the fault). Pending is empty when no poll caught it (a {@code for:}
 * shorter than the poll interval, or none).
 *
 * @param alert the alerting rule's name
 * @param pendingAfter from the instant to the first poll that saw it pending
 * @param firingAfter from the instant to the first poll that saw it firing
 */
public record AlertFiring(String alert, Optional<Duration> pendingAfter, Duration firingAfter) {
  public AlertFiring {
    Objects.requireNonNull(alert, "alert");
    Objects.requireNonNull(pendingAfter, "pendingAfter");
    Objects.requireNonNull(firingAfter, "firingAfter");
  }

  /** {@code TokenLabsPodAbsent: pending after 3.2 s, firing after 7.5 s}. */
  @Override
  public String toString() {
    return alert + ": " + pendingAfter.map(p -> "pending after " + Progression.human(p) + ", ")
        .orElse("not seen pending, ") + "firing after " + Progression.human(firingAfter);
  }
}
