package run.tokenlabs.chaos.probes.api;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A bounded wait for a reading to satisfy a condition, which returns the reading that did and, on
 * timeout, says what was awaited, the limit and the last reading seen. Built on Awaitility's
 * value-returning {@code await(alias).atMost(d).until(supplier, predicate)}; immutable, each option
 * returns a copy:
 *
 * <pre>{@code
 * Drain drained = Awaiting.reading("KV cache under 1% and no waiting request", () -> drain(probes))
 *     .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(100))
 *     .until(Drain::done);
 * }</pre>
 *
 * <p>The first reading is taken at once. A reading that throws ends the wait with that exception
 * (a {@code ProbeException} stays an ERROR); a timeout of {@link #until} is an {@link AssertionError}
 * (DEVIATED).
 *
 * @param <T> the reading's type; its {@code toString()} appears in the timeout message
 */
public final class Awaiting<T> {
  /** The poll interval when none is given. */
  public static final Duration DEFAULT_POLL = Duration.ofMillis(100);

  private final String alias;
  private final Supplier<T> reading;
  private final Duration atMost;
  private final Duration pollInterval;
  private final String hint;

  private Awaiting(String alias, Supplier<T> reading, Duration atMost, Duration pollInterval, String hint) {
    this.alias = alias;
    this.reading = reading;
    this.atMost = atMost;
    this.pollInterval = pollInterval;
    this.hint = hint;
  }

  /**
   * Starts a wait for what {@code reading} returns; {@code alias} says what is awaited ("KV cache of
   * deepseek-r1-7b drained") and opens the timeout message. A limit comes next: {@link Unbounded#atMost}.
   */
  public static <T> Unbounded<T> reading(String alias, Supplier<T> reading) {
    return new Unbounded<>(Objects.requireNonNull(alias, "alias"), Objects.requireNonNull(reading, "reading"));
  }

  /** A copy that reads every {@code interval} (at least 10 ms, and at least twice within the limit). */
  public Awaiting<T> pollEvery(Duration interval) {
    return new Awaiting<>(alias, reading, atMost, Objects.requireNonNull(interval, "interval"), hint);
  }

  /** A copy whose timeout message ends with {@code whatToDo} (what the timeout means, what to check). */
  public Awaiting<T> onTimeout(String whatToDo) {
    return new Awaiting<>(alias, reading, atMost, pollInterval, Objects.requireNonNull(whatToDo, "whatToDo"));
  }

  /**
   * Reads until {@code done} accepts a reading and returns that reading.
   *
   * @throws AssertionError when no reading was accepted within the limit: the alias, the limit, the
   *     last reading and the hint
   */
  public T until(Predicate<? super T> done) {
    LastReading<T> last = new LastReading<>(reading);
    try {
      return poll(last, done);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(alias + ": not reached within " + Progression.human(atMost) + "; last reading: "
          + last.describe() + " (read every " + Progression.human(Polling.interval(pollInterval, atMost)) + ")"
          + (hint.isEmpty() ? "" : "; " + hint), e);
    }
  }

  /**
   * Reads until {@code done} accepts a reading; that reading, or empty when none was accepted within
   * the limit, for waits whose timeout is an answer of its own (a fallback, a check made next).
   */
  public Optional<T> untilOrEmpty(Predicate<? super T> done) {
    try {
      return Optional.of(poll(new LastReading<>(reading), done));
    } catch (ConditionTimeoutException e) {
      return Optional.empty();
    }
  }

  private T poll(LastReading<T> last, Predicate<? super T> done) {
    return await(alias).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Polling.interval(pollInterval, atMost))
        .until(last::read, done::test);
  }

  /** A wait without a limit yet: the only step offered is {@link #atMost(Duration)}. */
  public static final class Unbounded<T> {
    private final String alias;
    private final Supplier<T> reading;

    private Unbounded(String alias, Supplier<T> reading) {
      this.alias = alias;
      this.reading = reading;
    }

    /** The limit of the wait. */
    public Awaiting<T> atMost(Duration limit) {
      Objects.requireNonNull(limit, "limit");
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("The limit of '" + alias + "' must be positive; got " + limit);
      }
      return new Awaiting<>(alias, reading, limit, DEFAULT_POLL, "");
    }
  }

  /**
   * The reading seen last, kept for the timeout message: Awaitility's own message holds it only as
   * text inside its sentence. Readings come from Awaitility's polling thread, the message from ours.
   */
  private static final class LastReading<T> {
    private final Supplier<T> reading;
    private volatile boolean seen;
    private volatile T last;

    LastReading(Supplier<T> reading) {
      this.reading = reading;
    }

    T read() {
      T value = reading.get();
      last = value;
      seen = true;
      return value;
    }

    String describe() {
      return seen ? String.valueOf(last) : "none (the first reading did not complete)";
    }
  }
}
