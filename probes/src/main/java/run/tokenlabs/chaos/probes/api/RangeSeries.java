package run.tokenlabs.chaos.probes.api;

import java.util.List;
import java.util.Map;

/**
 * One series of a range query: labels and points in time order. Steps where the series had no
 * sample are simply missing (Prometheus leaves gaps, it does not write zeros).
 *
 * @param labels the series labels; unmodifiable
 * @param points the points, oldest first
 */
public record RangeSeries(Map<String, String> labels, List<Point> points) {
  public RangeSeries {
    labels = Map.copyOf(labels);
    points = List.copyOf(points);
  }
}
