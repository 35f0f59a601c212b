package run.tokenlabs.chaos.load.api;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where the live progress line goes and how often: one line per {@code interval}, starting once the
 * run has lasted {@code after} (short runs stay quiet).
 */
public record Progress(Duration interval, Duration after, Consumer<String> sink) {

  public Progress {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(sink, "sink");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("Progress interval must be > 0, was " + interval);
    }
  }

  /** Every second on standard error, after the first three seconds. */
  public static Progress toStandardError() {
    return to(System.err::println);
  }

  public static Progress to(Consumer<String> sink) {
    return new Progress(Duration.ofSeconds(1), Duration.ofSeconds(3), sink);
  }

  /** No progress line. */
  public static Progress none() {
    return new Progress(Duration.ofDays(1), Duration.ofDays(365), line -> { });
  }
}
