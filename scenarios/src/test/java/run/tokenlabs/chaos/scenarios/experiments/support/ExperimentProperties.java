package run.tokenlabs.chaos.scenarios.experiments.support;

/**
 * Reads the experiments' tuning properties ({@code -Dtokenlabs.failure1.sessions=64} ...) strictly: a
 * value that is not what the property takes stops the experiment as an ERROR naming the property,
 * the value and the accepted form, never silently falling back to the default.
 */
public final class ExperimentProperties {
  private ExperimentProperties() {
  }

  /** A whole number in {@code [1, max]}, or {@code fallback} when the property is unset. */
  public static int positiveInt(String property, int fallback, int max) {
    String text = System.getProperty(property);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.strip());
      if (value >= 1 && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted form
    }
    throw new IllegalArgumentException("System property " + property + "='" + text + "' is not accepted; give a "
        + "whole number from 1 to " + max + " (default " + fallback + ")");
  }

  /** A number {@code >= min}, or {@code fallback} when the property is unset. */
  public static double atLeast(String property, double fallback, double min) {
    String text = System.getProperty(property);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(text.strip());
      if (value >= min && Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted form
    }
    throw new IllegalArgumentException("System property " + property + "='" + text + "' is not accepted; give a "
        + "number >= " + min + " (default " + fallback + ")");
  }
}
