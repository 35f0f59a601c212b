package run.tokenlabs.chaos.api.event;

import java.time.Instant;
import java.util.Objects;

/** The checks of the fields every event shares. */
final class Events {
  private Events() {
  }

  /** An experiment's event: it names the experiment. */
  static void requireHeader(Instant at, String runId, String experiment) {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(experiment, "experiment: this event belongs to an experiment");
  }

  /** A run-level event: it names no experiment. */
  static void requireRunHeader(Instant at, String runId, String experiment, String type) {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(runId, "runId");
    if (experiment != null) {
      throw new IllegalArgumentException(type + " is an event of the run, so its experiment must be null; was '"
          + experiment + "'");
    }
  }
}
