package run.tokenlabs.chaos.engine.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes as people write them in config: {@code 33554432}, {@code 512KiB}, {@code 32MiB}, {@code 1GiB}. */
final class ByteSizeParser {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,18})\\s*(B|KiB|MiB|GiB)?");
  /** The largest size accepted: no client holds more than this of one answer in memory. */
  static final long MAX_BYTES = 1L << 40;
  static final String ACCEPTED = "use a positive size up to 1024GiB, in bytes or with a binary unit like 512KiB, 32MiB "
      + "or 1GiB";

  private ByteSizeParser() {
  }

  /**
   * The size in bytes, or {@code -1} when the text is not one; a size too large for a {@code long}
   * is {@link Long#MAX_VALUE}, for the caller to refuse as too large.
   */
  static long parse(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      return -1;
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    int shift = switch (unit) {
      case "KiB" -> 10;
      case "MiB" -> 20;
      case "GiB" -> 30;
      default -> 0;
    };
    return n > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : n << shift;
  }
}
