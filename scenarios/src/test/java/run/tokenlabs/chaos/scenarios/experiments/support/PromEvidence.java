package run.tokenlabs.chaos.scenarios.experiments.support;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.probes.api.Point;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.RangeSeries;

/** Prometheus results as evidence text: the PromQL, then one line per series or sample. */
public final class PromEvidence {
  private PromEvidence() {
  }

  /** One line per series: its labels, n, min, max and the values. */
  public static String describe(String promql, QueryResult.Matrix matrix) {
    StringBuilder out = new StringBuilder("PromQL (range): ").append(promql).append('\n');
    if (matrix.series().isEmpty()) {
      return out.append("no series (no data)\n").toString();
    }
    for (RangeSeries s : matrix.series()) {
      out.append(new TreeMap<>(s.labels())).append(": n=").append(s.points().size())
          .append(", min ").append(format(s.points().stream().mapToDouble(Point::value).min().orElse(Double.NaN)))
          .append(", max ").append(format(s.points().stream().mapToDouble(Point::value).max().orElse(Double.NaN)))
          .append(", values ").append(s.points().stream().map(p -> format(p.value())).collect(Collectors.joining(" ")))
          .append('\n');
    }
    return out.toString();
  }

  /** One line per sample of an instant vector. */
  public static String describe(String promql, QueryResult result) {
    StringBuilder out = new StringBuilder("PromQL: ").append(promql).append('\n');
    if (result instanceof QueryResult.Vector v) {
      if (v.samples().isEmpty()) {
        return out.append("empty vector (no data)\n").toString();
      }
      v.samples().forEach(s -> out.append(new TreeMap<>(s.labels())).append(" = ").append(format(s.value())).append('\n'));
    } else {
      out.append(result).append('\n');
    }
    return out.toString();
  }

  /** The labels that identify a GPU, as one key ({@code Hostname/gpu}). */
  public static String gpuKey(Map<String, String> labels) {
    return labels.getOrDefault("Hostname", "?") + "/gpu" + labels.getOrDefault("gpu", "?");
  }

  /** {@code 3}, {@code 0.2500}, {@code NaN}: integers as such, others to four significant digits. */
  public static String format(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return String.valueOf(v);
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4g", v);
  }
}
