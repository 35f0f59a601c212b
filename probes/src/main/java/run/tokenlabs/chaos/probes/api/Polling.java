package run.tokenlabs.chaos.probes.api;

import java.time.Duration;

/** Poll intervals for the awaiting helpers. */
final class Polling {
  static final Duration DEFAULT = Duration.ofSeconds(1);

  private Polling() {
  }

  /** The configured interval, but at least two polls fit in {@code atMost}, and never under 10 ms. */
  static Duration interval(Duration configured, Duration atMost) {
    Duration half = atMost.dividedBy(2);
    Duration chosen = configured.compareTo(half) > 0 ? half : configured;
    return chosen.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : chosen;
  }
}
