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

  /** A figure as a reader sees it: value and unit, the unit possibly scaled (0.375 s reads 375 ms). */
  record Quantity(String value, String unit) {
    @Override
    public String toString() {
      return unit.isEmpty() || NO_DATA.equals(value) ? value : value + " " + unit;
    }
  }

  /**
   * A figure for the page: three significant digits (four for a percentage, where 99.95 must not read 100),
   * seconds below one as ms or µs, p-values under 0.001 in scientific notation, whole counts as integers.
   * Data exports keep {@link #number(double)}'s six digits.
   */
  static Quantity quantity(double value, String unit) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return new Quantity(number(value), Double.isNaN(value) ? "" : unit);
    }
    double magnitude = Math.abs(value);
    return switch (unit) {
      case "s" -> magnitude != 0 && magnitude < 1e-3 ? new Quantity(significant(value * 1e6, 3), "µs")
          : magnitude != 0 && magnitude < 1 ? new Quantity(significant(value * 1e3, 3), "ms")
          : new Quantity(significant(value, 3), "s");
      case "p" -> new Quantity(magnitude != 0 && magnitude < 1e-3 ? String.format(java.util.Locale.ROOT, "%.2g", value)
          .replaceFirst("e([-+])0*(\\d)", "e$1$2").replace("e+", "e") : significant(value, 2), "p");
      case "%" -> new Quantity(significant(value, 4), "%");
      default -> new Quantity(value == Math.rint(value) && magnitude < 1e15 ? String.valueOf((long) value)
          : significant(value, 3), unit);
    };
  }

  /** {@code digits} significant digits, plain notation, no trailing zeros. */
  static String significant(double value, int digits) {
    if (value == 0) {
      return "0";
    }
    return new BigDecimal(value).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
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
