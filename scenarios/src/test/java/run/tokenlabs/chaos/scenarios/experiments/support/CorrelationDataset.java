package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.probes.api.Point;
import run.tokenlabs.chaos.probes.api.RangeSeries;

/**
 * Series of different exporters (DCGM, vLLM/SGLang, the gateway) aligned on one time grid, one record per
 * step, as the reference run's correlation dataset: written as JSON and CSV, with each column flagged when it
 * is sparse (values at fewer than half the steps) or holds nothing but NaN, since a correlation over such a
 * column says nothing.
 */
public final class CorrelationDataset {
  private final List<Instant> steps;
  private final Map<String, Map<Instant, Double>> columns = new LinkedHashMap<>();

  /** An empty dataset of the steps from {@code start} to {@code end} (inclusive) every {@code step}. */
  public CorrelationDataset(Instant start, Instant end, Duration step) {
    List<Instant> grid = new ArrayList<>();
    for (Instant t = start; !t.isAfter(end); t = t.plus(step)) {
      grid.add(t);
    }
    this.steps = List.copyOf(grid);
  }

  /** Adds a column from a range query's series (the first, if several; none: an empty column). */
  public void column(String name, List<RangeSeries> series) {
    Map<Instant, Double> values = new TreeMap<>();
    if (!series.isEmpty()) {
      for (Point p : series.get(0).points()) {
        values.put(p.time(), p.value());
      }
    }
    columns.put(name, values);
  }

  public int records() {
    return steps.size();
  }

  /** Columns with values at fewer than half the steps, or only NaN, each with why. */
  public Map<String, String> flagged() {
    Map<String, String> flags = new LinkedHashMap<>();
    columns.forEach((name, values) -> {
      long present = steps.stream().filter(values::containsKey).count();
      long numbers = steps.stream().map(values::get).filter(v -> v != null && !v.isNaN()).count();
      if (present > 0 && numbers == 0) {
        flags.put(name, "NaN-only (" + present + " NaN values)");
      } else if (numbers * 2 < steps.size()) {
        flags.put(name, "sparse (" + numbers + " of " + steps.size() + " steps)");
      }
    });
    return flags;
  }

  /** One line per step: {@code time} and every column, empty where it has no value. */
  public String csv() {
    StringBuilder out = new StringBuilder("time");
    columns.keySet().forEach(name -> out.append(',').append(name));
    out.append('\n');
    for (Instant step : steps) {
      out.append(step);
      columns.values().forEach(values -> out.append(',').append(format(values.get(step))));
      out.append('\n');
    }
    return out.toString();
  }

  /** A JSON array of records {@code {"time": ..., "<column>": number or null}}; NaN is written as null. */
  public String json() {
    return steps.stream().map(step -> "{\"time\":\"" + step + "\"" + columns.entrySet().stream()
            .map(c -> ",\"" + c.getKey() + "\":" + jsonNumber(c.getValue().get(step))).collect(Collectors.joining())
            + "}")
        .collect(Collectors.joining(",\n", "[\n", "\n]\n"));
  }

  private static String format(Double value) {
    return value == null ? "" : value.isNaN() ? "NaN" : String.format(Locale.ROOT, "%.6g", value);
  }

  private static String jsonNumber(Double value) {
    return value == null || value.isNaN() || value.isInfinite() ? "null" : String.format(Locale.ROOT, "%.6g", value);
  }
}
