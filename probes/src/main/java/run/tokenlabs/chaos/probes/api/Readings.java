package run.tokenlabs.chaos.probes.api;

/** Formatting of values for messages. */
final class Readings {
  private Readings() {
  }

  /** {@code 3}, {@code 0.25}, {@code NaN}, {@code +Inf}. */
  static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
