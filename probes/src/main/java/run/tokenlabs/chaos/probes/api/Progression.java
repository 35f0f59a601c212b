package run.tokenlabs.chaos.probes.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.stream.Collectors;

/**
 * The states an awaited condition went through, for messages like
 * {@code inactive 12:00:01 -> pending 12:00:31}. Only changes are kept, at most the last
 * {@value #MAX_KEPT}, so a flapping state cannot grow it without bound. Thread-safe.
 */
final class Progression {
  private static final int MAX_KEPT = 16;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final Clock clock;
  private final Deque<String> changes = new ArrayDeque<>();
  private String lastState;
  private String lastDetail = "";
  private boolean truncated;

  Progression(Clock clock) {
    this.clock = clock;
  }

  /** Records the state now; only a change of {@code state} adds an entry. */
  synchronized void observe(String state, String detail) {
    lastDetail = detail;
    if (state.equals(lastState)) {
      return;
    }
    lastState = state;
    if (changes.size() == MAX_KEPT) {
      changes.removeFirst();
      truncated = true;
    }
    Instant now = clock.instant();
    changes.addLast(state + (detail.isEmpty() ? "" : " (" + detail + ")") + " " + TIME.format(now.atZone(clock.getZone())));
  }

  synchronized String lastState() {
    return lastState == null ? "never observed" : lastState;
  }

  synchronized String lastDetail() {
    return lastDetail;
  }

  @Override
  public synchronized String toString() {
    if (changes.isEmpty()) {
      return "nothing observed";
    }
    return (truncated ? "... -> " : "") + changes.stream().collect(Collectors.joining(" -> "));
  }

  /** {@code 90 s}, {@code 1.5 s} or {@code 250 ms}. */
  static String human(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + " s";
    }
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
