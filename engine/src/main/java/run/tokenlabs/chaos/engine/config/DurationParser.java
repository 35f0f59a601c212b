package run.tokenlabs.chaos.engine.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them in config: {@code 90s}, {@code 2m}, {@code 500ms}, {@code 1h}, or ISO {@code PT90S}. */
final class DurationParser {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
  static final String ACCEPTED = "use a positive duration like 90s, 2m, 500ms, 1h or ISO-8601 PT90S";

  private DurationParser() {
  }

  /** The duration, or {@code null} when the text is not one. */
  static Duration parse(String text) {
    String t = text.strip();
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(t);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
