package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * A predicate on a probe reading, with the description that messages show ({@code <= 0.001},
 * {@code between 1 and 3}, {@code absent}).
 *
 * <p>Every tolerance except {@link #absent()} rejects "no data": a missing series never satisfies
 * {@code <= 0.001} by reading as 0. NaN satisfies no numeric bound.
 *
 * <p>Use the static factories, e.g. {@code probe.is(atMost(0.001))} with a static import.
 *
 * @param <T> the value type it accepts
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Tolerance<T> {

  /** How the limit reads in messages, e.g. {@code <= 0.001}. */
  String description();

  /**
   * Whether the reading is acceptable.
   *
   * @param reading the reading to judge
   * @param baseline the reading of the same check taken before the fault, or {@code null} while
   *     the baseline itself is being taken; only {@link #withinPercentOfBaseline(double)} uses it
   */
  boolean accepts(Reading<? extends T> reading, Reading<? extends T> baseline);

  /** At most {@code limit} (inclusive). */
  static Tolerance<Number> atMost(double limit) {
    return numeric("<= " + format(limit), v -> v <= limit);
  }

  /** At least {@code limit} (inclusive). */
  static Tolerance<Number> atLeast(double limit) {
    return numeric(">= " + format(limit), v -> v >= limit);
  }

  /** Between {@code low} and {@code high}, both inclusive. */
  static Tolerance<Number> between(double low, double high) {
    if (!(low <= high)) {
      throw new IllegalArgumentException("between(" + low + ", " + high + "): low must be <= high");
    }
    return numeric("between " + format(low) + " and " + format(high), v -> v >= low && v <= high);
  }

  /** Equal to {@code expected} ({@link Object#equals}); numbers compare by their double value. */
  static <T> Tolerance<T> equalTo(T expected) {
    Objects.requireNonNull(expected, "expected");
    return of("== " + expected, value -> expected.equals(value)
        || (expected instanceof Number e && value instanceof Number v && e.doubleValue() == v.doubleValue()));
  }

  /** Any value at all (the probe returned data). */
  static Tolerance<Object> present() {
    return of("present", value -> true);
  }

  /** No data: the series vanished, the field is not exported, nothing matched. */
  static Tolerance<Object> absent() {
    return new Tolerance<>() {
      @Override
      public String description() {
        return "absent";
      }

      @Override
      public boolean accepts(Reading<?> reading, Reading<?> baseline) {
        return !reading.hasValue();
      }

      @Override
      public String toString() {
        return description();
      }
    };
  }

  /** The value's text matches the regular expression as a whole. */
  static Tolerance<Object> matches(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return of("matches /" + regex + "/", value -> pattern.matcher(String.valueOf(value)).matches());
  }

  /** Any predicate, with the description messages should show. */
  static <T> Tolerance<T> satisfies(String description, Predicate<? super T> predicate) {
    return of(description, predicate);
  }

  /**
   * Within {@code percent} % of the value the same check read before the fault (the baseline).
   * While the baseline is taken, any numeric value is accepted; a baseline of 0 accepts only 0.
   */
  static Tolerance<Number> withinPercentOfBaseline(double percent) {
    if (!(percent >= 0)) {
      throw new IllegalArgumentException("withinPercentOfBaseline(" + percent + "): percent must be >= 0");
    }
    return new Tolerance<>() {
      @Override
      public String description() {
        return "within " + format(percent) + "% of the baseline";
      }

      @Override
      public boolean accepts(Reading<? extends Number> reading, Reading<? extends Number> baseline) {
        if (!reading.hasValue() || Double.isNaN(reading.value().get().doubleValue())) {
          return false;
        }
        if (baseline == null) {
          return true;
        }
        if (!baseline.hasValue()) {
          return false;
        }
        double base = baseline.value().get().doubleValue();
        double value = reading.value().get().doubleValue();
        return Math.abs(value - base) <= Math.abs(base) * percent / 100.0;
      }

      @Override
      public String toString() {
        return description();
      }
    };
  }

  private static Tolerance<Number> numeric(String description, java.util.function.DoublePredicate test) {
    return of(description, n -> !Double.isNaN(n.doubleValue()) && test.test(n.doubleValue()));
  }

  private static <T> Tolerance<T> of(String description, Predicate<? super T> predicate) {
    return new Tolerance<>() {
      @Override
      public String description() {
        return description;
      }

      @Override
      public boolean accepts(Reading<? extends T> reading, Reading<? extends T> baseline) {
        return reading.hasValue() && predicate.test(reading.value().get());
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }

  private static String format(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }
}
