package run.tokenlabs.chaos.engine.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as people write them in config: {@code 90s}, {@code 2m}, {@code 500ms}, {@code 1h}, or ISO {@code PT90S}.
 *
 * <p>Only durations from {@link #MIN} to {@link #MAX} are accepted. Every configured duration is a
 * timeout that later becomes milliseconds and nanosecond deadlines; a number too large for that
 * ({@code 100000000h}) would fail mid-run with an arithmetic overflow, long after the value was
 * read, and a timeout of more than a day is a typo in a game day that runs for hours.
 */
final class DurationParser {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
  static final Duration MIN = Duration.ofMillis(1);
  static final Duration MAX = Duration.ofHours(24);
  static final String ACCEPTED = "use a positive duration like 90s, 2m, 500ms, 1h or ISO-8601 PT90S";
  static final String RANGE = "use a duration from 1ms to 24h, like 90s, 2m, 500ms, 1h or ISO-8601 PT90S";

  private DurationParser() {
  }

  /** What the text says: a duration in range, or why it is not one. */
  sealed interface Parsed permits Valid, Invalid {
  }

  /** A duration from {@link #MIN} to {@link #MAX}. */
  record Valid(Duration duration) implements Parsed {
  }

  /** Not usable; {@code problem} says why, {@code accepted} what to write instead. */
  record Invalid(String problem, String accepted) implements Parsed {
  }

  static Parsed parse(String text) {
    String t = text.strip();
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      // BigDecimal: the digits may not fit a long (99999999999999999999s)
      BigDecimal seconds = new BigDecimal(m.group(1)).multiply(unitSeconds(m.group(2)));
      return inRange(seconds);
    }
    try {
      Duration iso = Duration.parse(t);
      return inRange(new BigDecimal(iso.getSeconds()).add(BigDecimal.valueOf(iso.getNano(), 9)));
    } catch (DateTimeParseException e) {
      // java.time says why in the cause: a number too large for a long, or an overflowing product
      if (e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException) {
        return new Invalid("too long, above the longest accepted " + human(MAX), RANGE);
      }
      return new Invalid("not a duration", ACCEPTED);
    }
  }

  private static Parsed inRange(BigDecimal seconds) {
    if (seconds.signum() <= 0) {
      return new Invalid("not positive", ACCEPTED);
    }
    if (seconds.compareTo(seconds(MIN)) < 0) {
      return new Invalid("too short, below the shortest accepted " + human(MIN), RANGE);
    }
    if (seconds.compareTo(seconds(MAX)) > 0) {
      return new Invalid("too long, above the longest accepted " + human(MAX), RANGE);
    }
    return new Valid(Duration.ofNanos(seconds.movePointRight(9).longValueExact()));
  }

  private static BigDecimal unitSeconds(String unit) {
    return switch (unit) {
      case "ms" -> new BigDecimal("0.001");
      case "s" -> BigDecimal.ONE;
      case "m" -> BigDecimal.valueOf(60);
      default -> BigDecimal.valueOf(3600);
    };
  }

  private static BigDecimal seconds(Duration d) {
    return BigDecimal.valueOf(d.toNanos(), 9);
  }

  private static String human(Duration d) {
    return d.toMillis() < 1000 ? d.toMillis() + "ms" : d.toHours() + "h";
  }
}
