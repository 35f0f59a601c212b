package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.Check;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.Reading;

/**
 * Times recovery with the experiment's own steady-state checks. After the rollback the engine re-reads
 * the hypothesis until it holds (every 500 ms); a check wrapped by {@link #timed} records, the first
 * time it holds after the rollback began, two key numbers: the time since the rollback began and the
 * time since the fault. The rollback runs right after the test body, so the body marks its own end
 * with {@link #rollbackStarts()} (in a {@code finally}).
 *
 * <p>Resolution: the engine's poll interval (500 ms) plus one reading of the hypothesis. One instance
 * per test instance (JUnit makes one per test method), so marks never leak between experiments.
 */
public final class RecoveryStopwatch {
  /** How the recovery key numbers' names begin: {@code time to recover: <what> after rollback}. */
  public static final String TIME_TO_RECOVER = "time to recover: ";
  private volatile Instant faultAt;
  private volatile Instant rollbackAt;
  private final Set<String> recorded = ConcurrentHashMap.newKeySet();

  /** The fault acted at {@code at}. */
  public void faultInjected(Instant at) {
    faultAt = at;
  }

  /** The body ends now: the engine's rollback begins right after. */
  public void rollbackStarts() {
    if (faultAt != null) {
      rollbackAt = Instant.now();
    }
  }

  /**
   * {@code check} as it is, except that its first acceptance after {@link #rollbackStarts()} records
   * the key numbers {@code "time to recover: <what> after rollback"} and {@code "outage: force-delete
   * to <what>"}.
   */
  public <T> Check<T> timed(Chaos chaos, String what, Check<T> check) {
    Probe<T> probe = check.probe();
    Probe<T> timedProbe = Probe.of(probe.name(), () -> {
      Reading<T> reading = probe.read();
      Instant rollback = rollbackAt;
      if (rollback != null && check.tolerance().accepts(reading, null) && recorded.add(what)) {
        Instant now = Instant.now();
        String resolution = "first reading of the steady state after rollback that held '" + probe.name() + " "
            + check.tolerance().description() + "' (engine polls every 500 ms)";
        chaos.record(new KeyNumber(TIME_TO_RECOVER + what + " after rollback", seconds(rollback, now), "s",
            "from the start of the rollback (right after the experiment body) to the " + resolution));
        chaos.record(new KeyNumber("outage: force-delete to " + what, seconds(faultAt, now), "s",
            "from the force-delete to the " + resolution + "; includes the observation time before the rollback"));
      }
      return reading;
    });
    return new Check<>(timedProbe, check.tolerance());
  }

  private static double seconds(Instant from, Instant to) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.3f", Duration.between(from, to).toMillis() / 1000.0));
  }
}
