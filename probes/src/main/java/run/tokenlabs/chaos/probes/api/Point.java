package run.tokenlabs.chaos.probes.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One point of a range series.
 *
 * @param time the step's time
 * @param value the value there; NaN and infinities kept
 */
public record Point(Instant time, double value) {
  public Point {
    Objects.requireNonNull(time, "time");
  }
}
