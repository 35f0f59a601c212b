package run.tokenlabs.chaos.lab.prometheus;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus duration strings ({@code 1h30m}, {@code 90s}, {@code 500ms}) to and from {@link Duration}. */
public final class PromDurations {
  private static final Pattern FORMAT = Pattern.compile(
      "^(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?$");
  private static final long[] UNIT_MILLIS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000,
      1000, 1};

  private PromDurations() {}

  public static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text.trim());
    if (text.isBlank() || !m.matches()) {
      throw new IllegalArgumentException("Not a Prometheus duration: '" + text
          + "'; expected e.g. 1m, 90s, 1h30m, 500ms");
    }
    long millis = 0;
    for (int i = 0; i < UNIT_MILLIS.length; i++) {
      if (m.group(i + 1) != null) {
        millis += Long.parseLong(m.group(i + 1)) * UNIT_MILLIS[i];
      }
    }
    return Duration.ofMillis(millis);
  }

  /** Whole seconds as {@code Ns}, anything finer as {@code Nms}; zero as {@code 0s}. */
  public static String format(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }

  /** {@code text} times {@code factor}, rounded to the millisecond. */
  public static String scale(String text, double factor) {
    return format(Duration.ofMillis(Math.round(parse(text).toMillis() * factor)));
  }
}
