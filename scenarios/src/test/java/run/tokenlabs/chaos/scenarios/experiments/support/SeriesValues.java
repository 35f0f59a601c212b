package run.tokenlabs.chaos.scenarios.experiments.support;

import run.tokenlabs.chaos.probes.api.Point;
import run.tokenlabs.chaos.probes.api.RangeSeries;

/** The extent of a range series' values, NaN points left out; NaN when it has no other point. */
public final class SeriesValues {
  private SeriesValues() {
  }

  public static double min(RangeSeries s) {
    return s.points().stream().mapToDouble(Point::value).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
  }

  public static double max(RangeSeries s) {
    return s.points().stream().mapToDouble(Point::value).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
  }

  /** max - min. */
  public static double span(RangeSeries s) {
    return max(s) - min(s);
  }

  /** {@code min..max}, e.g. {@code 0..97}. */
  public static String range(RangeSeries s) {
    return PromEvidence.format(min(s)) + ".." + PromEvidence.format(max(s));
  }
}
