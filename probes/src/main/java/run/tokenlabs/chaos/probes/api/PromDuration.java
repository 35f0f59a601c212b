package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Prometheus durations as {@link Duration}: the text of a rule's {@code for:}, a range selector's
 * window, a target's {@code interval} label. The grammar is Prometheus': whole numbers, each
 * followed by a unit ({@code y w d h m s ms}, a year being 365 days and a week 7), largest unit
 * first and each unit at most once, with no spaces ({@code 1h30m}, {@code 90s}, {@code 500ms});
 * a bare {@code 0} is zero.
 */
public final class PromDuration {
  private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
  private static final long[] UNIT_MILLIS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000,
      1_000, 1};
  private static final String GRAMMAR = "whole numbers each followed by a unit (y, w, d, h, m, s, ms), largest "
      + "unit first and each unit once, no spaces: e.g. 1h30m, 90s, 500ms";

  private PromDuration() {
  }

  /**
   * The duration {@code text} stands for.
   *
   * @throws IllegalArgumentException when it is not a Prometheus duration, naming the text, where it
   *     stops making sense and the grammar
   */
  public static Duration parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    if (text.isEmpty()) {
      throw invalid(text, "it is empty");
    }
    long millis = 0;
    int position = 0;
    int nextUnit = 0;
    while (position < text.length()) {
      int digitsEnd = position;
      while (digitsEnd < text.length() && Character.isDigit(text.charAt(digitsEnd))) {
        digitsEnd++;
      }
      if (digitsEnd == position) {
        throw invalid(text, "a number was expected at position " + position + ", not '" + text.charAt(position) + "'");
      }
      int unit = unitAt(text, digitsEnd);
      if (unit < 0) {
        throw invalid(text, digitsEnd == text.length() ? "the number " + text.substring(position) + " has no unit"
            : "'" + text.substring(digitsEnd) + "' does not start with a unit");
      }
      if (unit < nextUnit) {
        throw invalid(text, "unit '" + UNITS[unit] + "' comes after a smaller unit or twice");
      }
      try {
        millis = Math.addExact(millis, Math.multiplyExact(number(text, position, digitsEnd), UNIT_MILLIS[unit]));
      } catch (ArithmeticException e) {
        throw invalid(text, "it overflows a duration in milliseconds");
      }
      position = digitsEnd + UNITS[unit].length();
      nextUnit = unit + 1;
    }
    return Duration.ofMillis(millis);
  }

  /** {@code d} as Prometheus writes it: {@code 1h30m}, {@code 1s500ms}, {@code 0s}; below a millisecond is dropped. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("A Prometheus duration cannot be negative; got " + d);
    }
    long millis = d.toMillis();
    if (millis == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < UNITS.length; i++) {
      long n = millis / UNIT_MILLIS[i];
      if (n > 0) {
        out.append(n).append(UNITS[i]);
        millis -= n * UNIT_MILLIS[i];
      }
    }
    return out.toString();
  }

  /**
   * A range selector's window that covers at least {@code d}: whole seconds, rounded up, never under
   * one second ({@code 1500 ms -> 2s}), so a window ending now reaches back to its start.
   */
  public static String window(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000) + "s";
  }

  /** The index in {@link #UNITS} of the unit at {@code position} (ms before m), or -1. */
  private static int unitAt(String text, int position) {
    if (text.startsWith("ms", position)) {
      return UNITS.length - 1;
    }
    for (int i = 0; i < UNITS.length - 1; i++) {
      if (text.startsWith(UNITS[i], position)) {
        return i;
      }
    }
    return -1;
  }

  private static long number(String text, int from, int to) {
    try {
      return Long.parseLong(text.substring(from, to));
    } catch (NumberFormatException e) {
      throw invalid(text, "the number " + text.substring(from, to) + " is too large");
    }
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("'" + text + "' is not a Prometheus duration: " + why + "; write " + GRAMMAR);
  }
}
