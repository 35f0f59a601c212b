package run.tokenlabs.chaos.scenarios.experiments.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.Optional;
import java.time.Duration;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * A chart an experiment journals as evidence: the name {@code chart: <title>} and a JSON object
 * the reports module draws on the experiment's Allure step and on the summary page (the shape is
 * in docs/reports.md). Time axes carry epoch milliseconds, so the report can mark the fault and
 * rollback times on them.
 */
public final class ChartEvidence {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ObjectNode root = JSON.createObjectNode();

  private ChartEvidence(String kind, String title) {
    root.put("kind", kind).put("title", title);
  }

  /** Series of points joined by lines (time series, CDFs). */
  public static ChartEvidence lines(String title) {
    return new ChartEvidence("lines", title);
  }

  /** Points without lines, e.g. power against utilisation. */
  public static ChartEvidence scatter(String title) {
    return new ChartEvidence("scatter", title);
  }

  /** Areas stacked per x, e.g. outcomes per second. */
  public static ChartEvidence stacked(String title) {
    return new ChartEvidence("stacked", title);
  }

  /** Rows of state segments (pending, firing) with a bound each. */
  public static ChartEvidence timeline(String title) {
    return new ChartEvidence("timeline", title);
  }

  /** A group of bars per category (a hop, a bucket); a series' point [i, y] is its bar over category i. */
  public static ChartEvidence bars(String title, List<String> categories) {
    ChartEvidence chart = new ChartEvidence("bars", title);
    categories.forEach(chart.array("categories")::add);
    return chart;
  }

  public ChartEvidence x(String label, boolean epochMillis) {
    root.putObject("x").put("label", label).put("time", epochMillis);
    return this;
  }

  public ChartEvidence y(String label) {
    root.putObject("y").put("label", label).put("time", false);
    return this;
  }

  public ChartEvidence note(String note) {
    root.put("note", note);
    return this;
  }

  /** A series; {@code step} draws a staircase (a CDF), {@code dots} points without lines. */
  public ChartEvidence series(String name, List<double[]> points, boolean step, boolean dots) {
    ObjectNode s = array("series").addObject().put("name", name).put("step", step).put("dots", dots);
    ArrayNode ps = s.putArray("points");
    points.forEach(p -> ps.addArray().add(p[0]).add(p[1]));
    return this;
  }

  /** A line across the chart: {@code x} (an event, a p95) or {@code y} (a threshold). */
  public ChartEvidence marker(String axis, double at, String label) {
    array("markers").addObject().put("axis", axis).put("at", at).put("label", label);
    return this;
  }

  /** A labelled stretch of x, e.g. a load phase. */
  public ChartEvidence band(double from, double to, String label) {
    array("bands").addObject().put("from", from).put("to", to).put("label", label);
    return this;
  }

  /** A timeline row; {@code segments} are [from, to] per state name; {@code bound} NaN for none. */
  public ChartEvidence row(String name, Map<String, double[]> segments, double bound) {
    ObjectNode row = array("rows").addObject().put("name", name);
    if (!Double.isNaN(bound)) {
      row.put("bound", bound);
    }
    ArrayNode segs = row.putArray("segments");
    segments.forEach((state, span) -> segs.addObject().put("state", state).put("from", span[0]).put("to", span[1]));
    return this;
  }

  private ArrayNode array(String field) {
    return root.has(field) ? (ArrayNode) root.get(field) : root.putArray(field);
  }

  /** Journals the chart as evidence named {@code chart: <title>}. */
  public void record(Chaos chaos) {
    chaos.evidence("chart: " + root.get("title").asText(), root.toString());
  }

  /** The JSON as journaled. */
  @Override
  public String toString() {
    return root.toString();
  }

  /** The empirical CDF of {@code values}: one [value, share at or below it] per value, sorted. */
  public static List<double[]> cdf(List<Double> values) {
    List<Double> sorted = values.stream().filter(v -> !v.isNaN()).sorted().toList();
    List<double[]> points = new ArrayList<>(sorted.size());
    for (int i = 0; i < sorted.size(); i++) {
      points.add(new double[] {sorted.get(i), (i + 1.0) / sorted.size()});
    }
    return points;
  }

  /** A load's ledger over time: requests ending in each second, stacked by outcome. */
  public static ChartEvidence ledger(String load, LoadResult result) {
    Map<Outcome, Map<Long, Integer>> perSecond = new TreeMap<>();
    for (RequestRecord r : result.records()) {
      long end = r.endNanos() >= 0 ? r.endNanos() : r.intendedStartNanos();
      long millis = epochMillis(result, end);
      perSecond.computeIfAbsent(r.outcome(), o -> new TreeMap<>()).merge(millis / 1000 * 1000, 1, Integer::sum);
    }
    ChartEvidence chart = stacked("Load ledger over time: " + load).x("request end (UTC)", true)
        .y("requests ending per second").note(result.ledger().toString());
    perSecond.forEach((outcome, counts) -> chart.series(outcome.name(), counts.entrySet().stream()
        .map(e -> new double[] {e.getKey(), e.getValue()}).toList(), false, false));
    return chart;
  }

  /** A record time (nanoseconds since the load's origin) as epoch milliseconds. */
  public static long epochMillis(LoadResult result, long sinceOriginNanos) {
    return result.startedAt().plusNanos(sinceOriginNanos).toEpochMilli();
  }

  /** Per-request seconds (GPU time) of one bucket, e.g. TTFT; requests without the reading are left out. */
  public static List<Double> seconds(LoadResult result, String bucket, Function<RequestRecord, Optional<Duration>> of,
      GpuClock clock) {
    return result.records().stream().filter(r -> bucket == null || r.bucket().equals(bucket)).map(of)
        .flatMap(Optional::stream).map(clock::seconds).toList();
  }

  /** Epoch milliseconds of an instant, for time axes. */
  public static double at(Instant instant) {
    return instant.toEpochMilli();
  }
}
