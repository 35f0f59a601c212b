package run.tokenlabs.chaos.scenarios.experiments.support;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.probes.api.Analysis.DistributionComparison;
import run.tokenlabs.chaos.scenarios.experiments.support.SloTiers.Tier;

/** The latency charts of the load experiments: TTFT CDFs against SLO tiers, and an A/B of two TTFT samples. */
public final class LatencyCharts {
  private LatencyCharts() {}

  /**
   * A baseline load's charts: its ledger over time and, per bucket, the CDFs of time to first token and to first
   * content token (GPU seconds), with each tier's TTFT p95 target as a vertical line and the 0.95 share as a
   * horizontal one.
   */
  public static void baseline(Chaos chaos, String load, LoadResult result, List<Tier> tiers, GpuClock clock) {
    ChartEvidence.ledger(load, result).record(chaos);
    for (String bucket : result.records().stream().map(RequestRecord::bucket).distinct().sorted().toList()) {
      List<Double> first = ChartEvidence.seconds(result, bucket, RequestRecord::ttft, clock);
      List<Double> content = ChartEvidence.seconds(result, bucket, RequestRecord::ttfc, clock);
      ChartEvidence chart = ChartEvidence.lines("TTFT CDF, bucket " + bucket + ", against the SLO tiers")
          .x("seconds (" + clock.how() + ")", false).y("share of requests at or below")
          .note("n = " + first.size() + " first tokens, " + content.size() + " first content tokens")
          .series("first token (reasoning included)", ChartEvidence.cdf(first), true, false)
          .series("first content token (SLO basis)", ChartEvidence.cdf(content), true, false)
          .marker("y", 0.95, "p95");
      tiers.forEach(t -> t.ttftP95().ifPresent(d -> chart.marker("x", d.toMillis() / 1000.0, t.label() + " TTFT p95")));
      chart.record(chaos);
    }
  }

  /** Two CDFs of one bucket, off and on, with both p95s marked and their difference and interval noted. */
  public static void ab(Chaos chaos, String bucket, double[] off, double[] on, DistributionComparison c,
      double bootstrapP) {
    ChartEvidence.lines("TTFT A/B, bucket " + bucket + ": chunked prefill off vs on").x("TTFT (GPU seconds)", false)
        .y("share of requests at or below")
        .note(String.format(Locale.ROOT, "p95 difference (on - off) %.3g s, 95%% bootstrap interval [%.3g, %.3g] s, "
            + "bootstrap p %.2g; n = %d off / %d on", c.p95Difference(), c.ciLow(), c.ciHigh(), bootstrapP,
            c.nBaseline(), c.nCandidate()))
        .series("off", ChartEvidence.cdf(boxed(off)), true, false)
        .series("on", ChartEvidence.cdf(boxed(on)), true, false)
        .marker("x", c.p95Baseline(), "p95 off")
        .marker("x", c.p95Candidate(), "p95 on")
        .marker("y", 0.95, "0.95")
        .record(chaos);
  }

  private static List<Double> boxed(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }
}
