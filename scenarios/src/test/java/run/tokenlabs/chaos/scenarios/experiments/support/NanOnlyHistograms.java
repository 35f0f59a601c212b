package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import run.tokenlabs.chaos.probes.api.Analysis;
import run.tokenlabs.chaos.probes.api.PromDuration;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.RangeSeries;

/**
 * The vLLM / SGLang latency histograms a target exports, each read as a p95 over a window, and those
 * that are NaN at every step: a quantile over a rate with no observation is 0/0, so a histogram whose
 * model served nothing reads NaN, never a latency. Each family's observation count goes with it.
 *
 * @param families every histogram family checked (those exported, and the reference run's NaN one by name)
 * @param nanOnly the families NaN at every step, each with its observation count
 * @param window how long the checked window was
 * @param evidence the PromQL, the window and one row per family
 */
public record NanOnlyHistograms(List<String> families, List<String> nanOnly, Duration window, String evidence) {
  /** The reference run's 100% NaN histogram, checked by name even when the target does not list it. */
  private static final String REFERENCE_NAN = "sglang:e2e_request_latency_seconds";

  /** The histograms over {@code start..end} at {@code step}; each rate window lies inside the experiment's own. */
  public static NanOnlyHistograms read(PrometheusClient prometheus, Instant start, Instant end, Duration step) {
    Duration rateWindow = step.multipliedBy(4);
    Instant from = start.plus(rateWindow);
    String window = PromDuration.window(Duration.between(from, end));
    TreeSet<String> families = new TreeSet<>(List.of(REFERENCE_NAN));
    if (prometheus.query("count by (__name__) ({__name__=~\"(vllm|sglang):.+_seconds_bucket\"})")
        instanceof QueryResult.Vector v) {
      v.samples().forEach(s -> families.add(s.labels().get("__name__").replaceFirst("_bucket$", "")));
    }
    List<String> nanOnly = new ArrayList<>();
    StringBuilder table = new StringBuilder("histogram | p95 points | NaN points | observations in window\n");
    for (String family : families) {
      String p95 = "histogram_quantile(0.95, sum by (le) (rate(" + family + "_bucket["
          + PromDuration.window(rateWindow) + "])))";
      Optional<RangeSeries> series = prometheus.queryRange(p95, from, end, step).series().stream().findFirst();
      String observations = single(prometheus, "sum(increase(" + family + "_count[" + window + "]))", end);
      long nan = series.map(s -> s.points().stream().filter(p -> Double.isNaN(p.value())).count()).orElse(0L);
      table.append(family).append(" | ").append(series.map(s -> s.points().size()).orElse(0)).append(" | ")
          .append(nan).append(" | ").append(observations).append('\n');
      if (series.isPresent() && Analysis.nanThroughout(series.get())) {
        nanOnly.add(family + " (" + observations + " observations)");
      }
    }
    String evidence = "PromQL per family: histogram_quantile(0.95, sum by (le) (rate(<family>_bucket["
        + PromDuration.window(rateWindow) + "]))), from " + from + " to " + end + "; a family with no p95 points is "
        + "not exported (no data), which is not NaN\n" + table;
    return new NanOnlyHistograms(List.copyOf(families), List.copyOf(nanOnly), Duration.between(from, end), evidence);
  }

  private static String single(PrometheusClient prometheus, String promql, Instant at) {
    if (prometheus.query(promql, at) instanceof QueryResult.Vector v && v.samples().size() == 1) {
      return PromEvidence.format(v.samples().get(0).value());
    }
    return "no data";
  }
}
