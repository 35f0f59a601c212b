package run.tokenlabs.chaos.reports;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import run.tokenlabs.chaos.api.event.EvidenceRecorded;

/**
 * A chart an experiment asked for: evidence whose name starts with {@value #PREFIX} and whose
 * content is a JSON object of this shape (documented in docs/reports.md). The report draws it
 * ({@link ChartPainter}) where the evidence is: on the Allure step and on the summary page.
 *
 * @param kind {@code lines} (series of points; {@code step} series are drawn as a staircase, for
 *     CDFs), {@code scatter}, {@code stacked} (areas stacked per x), {@code timeline} (rows of
 *     state segments, each with an optional bound) or {@code bars} (one group of bars per category,
 *     a series' point {@code [i, y]} being its bar over category {@code i})
 * @param title the chart's title
 * @param x the horizontal axis; {@code time} means x values are epoch milliseconds, and the
 *     report adds the experiment's fault and rollback times as markers
 * @param y the vertical axis
 * @param note a line under the title, e.g. {@code r = 0.98, p < 1e-10, n = 120}
 * @param categories the names under a {@code bars} chart's groups, in order
 */
record ChartSpec(String kind, String title, Axis x, Axis y, String note, List<Series> series,
                 List<Marker> markers, List<Band> bands, List<Row> rows, List<String> categories) {
  static final String PREFIX = "chart: ";
  static final List<String> KINDS = List.of("lines", "scatter", "stacked", "timeline", "bars");
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  ChartSpec {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("chart kind '" + kind + "' is not one of " + KINDS);
    }
    title = title == null ? "" : title;
    x = x == null ? new Axis("", false) : x;
    y = y == null ? new Axis("", false) : y;
    note = note == null ? "" : note;
    series = series == null ? List.of() : List.copyOf(series);
    markers = markers == null ? List.of() : List.copyOf(markers);
    bands = bands == null ? List.of() : List.copyOf(bands);
    rows = rows == null ? List.of() : List.copyOf(rows);
    categories = categories == null ? List.of() : List.copyOf(categories);
  }

  /** A chart without categories (every kind but {@code bars}). */
  ChartSpec(String kind, String title, Axis x, Axis y, String note, List<Series> series, List<Marker> markers,
            List<Band> bands, List<Row> rows) {
    this(kind, title, x, y, note, series, markers, bands, rows, List.of());
  }

  /** An axis' label and whether its values are epoch milliseconds. */
  record Axis(String label, boolean time) {
    Axis {
      label = label == null ? "" : label;
    }
  }

  /** A named series of [x, y] points; {@code step} draws it as a staircase, {@code dots} without lines. */
  record Series(String name, List<double[]> points, boolean step, boolean dots) {
    Series {
      points = points == null ? List.of() : List.copyOf(points);
    }
  }

  /** A line across the chart at {@code at} on the {@code axis} ({@code x} or {@code y}), e.g. an SLO target. */
  record Marker(String axis, double at, String label) {}

  /** A labelled stretch of x, e.g. a load phase. */
  record Band(double from, double to, String label) {}

  /** A timeline row: its state segments and the x by which it had to reach its last state (NaN: none). */
  record Row(String name, List<Segment> segments, Double bound) {
    Row {
      segments = segments == null ? List.of() : List.copyOf(segments);
    }
  }

  /** A state held from {@code from} to {@code to}. */
  record Segment(String state, double from, double to) {}

  /** The chart an evidence asks for, or empty for plain evidence. */
  static Optional<ChartSpec> of(EvidenceRecorded evidence) {
    if (!evidence.name().startsWith(PREFIX)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(evidence.content(), ChartSpec.class));
    } catch (Exception e) {
      throw new IllegalArgumentException("Evidence '" + evidence.name() + "' is named as a chart but its content is "
          + "not a chart's JSON (" + e.getMessage() + "); see docs/reports.md for the shape, or name it without the '"
          + PREFIX.strip() + "' prefix", e);
    }
  }

  /**
   * This chart with more x markers (fault, rollback, recovery): those inside its x range, and for a timeline
   * all of them, since the fault that starts the alerts and the rollback and recovery that end them belong on it.
   */
  ChartSpec withTimeMarkers(List<Marker> more) {
    if (!x.time() || more.isEmpty()) {
      return this;
    }
    double[] range = xRange();
    boolean all = "timeline".equals(kind);
    List<Marker> with = new ArrayList<>(markers);
    more.stream().filter(m -> all || (m.at() >= range[0] && m.at() <= range[1])).forEach(with::add);
    return new ChartSpec(kind, title, x, y, note, series, with, bands, rows, categories);
  }

  /** The smallest and largest x of the data (points, bands, segments). */
  double[] xRange() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double[] p : s.points()) {
        lo = Math.min(lo, p[0]);
        hi = Math.max(hi, p[0]);
      }
    }
    for (Band b : bands) {
      lo = Math.min(lo, b.from());
      hi = Math.max(hi, b.to());
    }
    for (Row r : rows) {
      for (Segment s : r.segments()) {
        lo = Math.min(lo, s.from());
        hi = Math.max(hi, s.to());
      }
      if (r.bound() != null && !r.bound().isNaN()) {
        lo = Math.min(lo, r.bound());
        hi = Math.max(hi, r.bound());
      }
    }
    return new double[] {lo, hi};
  }

  /** Whether there is anything to draw. */
  boolean hasData() {
    return series.stream().anyMatch(s -> !s.points().isEmpty()) || rows.stream().anyMatch(r -> !r.segments().isEmpty());
  }
}
