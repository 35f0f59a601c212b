package run.tokenlabs.chaos.reports;

import java.math.BigDecimal;
import java.math.MathContext;
import run.tokenlabs.chaos.api.Verdict;

/** How figures and verdicts read on the summary page. */
final class Values {
  /** Shown for NaN: a missing reading is its own answer and never reads as 0. */
  static final String NO_DATA = "no data (NaN)";

  private Values() {}

  /** Six significant digits, no exponent, no trailing zeros; NaN as {@link #NO_DATA}. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return NO_DATA;
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == 0) {
      return "0";
    }
    return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  /** The matrix's status cell: symbol and verdict, or a note that the journal has none. */
  static String status(Verdict verdict) {
    if (verdict == null) {
      return "… NO VERDICT";
    }
    return switch (verdict) {
      case HELD -> "✓ HELD";
      case DEVIATED -> "✗ DEVIATED";
      case ABORTED -> "⚠ ABORTED";
      case BLOCKED -> "⛔ BLOCKED";
      case ERROR -> "ERROR";
    };
  }

  /**
   * The verdict message without the engine's prefixes: "BLOCKED: " / "ABORTED: " from the skip
   * reason, "java.lang.AssertionError: " for a deviation, and packages of an error's class name.
   */
  static String reason(Verdict verdict, String message) {
    String m = message == null ? "" : message.strip();
    if (verdict != null && m.startsWith(verdict.name() + ": ")) {
      m = m.substring(verdict.name().length() + 2);
    }
    m = m.replaceFirst("^java\\.lang\\.AssertionError(: )?", "");
    m = m.replaceFirst("^(?:[a-z_$][\\w$]*\\.)+([A-Z][\\w$]*(?:Error|Exception))", "$1");
    return m.isEmpty() ? "(no message)" : m;
  }

  static String abbreviate(String text, int max) {
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
  }
}
