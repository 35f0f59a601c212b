package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atMost;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.AVAILABILITY;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.CONTENT;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.ERRORS;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.FIRST;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.GAP;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.GAP_FINDING;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.NOT_DEMONSTRABLE;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.REQUESTS_OF;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.TIER_TODAY;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.TTFT_P50;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.TTFT_P95;
import static run.tokenlabs.chaos.scenarios.experiments.TtftBaselineIT.TWO_FIRST_TOKENS;
import static run.tokenlabs.chaos.scenarios.experiments.support.SloTiers.seconds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.load.api.BackgroundLoad;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.LatencyHistograms;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Slo;
import run.tokenlabs.chaos.load.api.Workload;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.LatencyCharts;
import run.tokenlabs.chaos.scenarios.experiments.support.GpuClock;
import run.tokenlabs.chaos.scenarios.experiments.support.LoadFigures;
import run.tokenlabs.chaos.scenarios.experiments.support.SloTiers;
import run.tokenlabs.chaos.scenarios.experiments.support.SloTiers.Tier;

/**
 * SLO-1 and SLO-2 of the reference run: a baseline load through the gateway per workload bucket (A interactive,
 * B batch-light, C long-context), measured as the reference run did (167 chat requests at concurrency 6, mixed
 * 104 : 42 : 21), and held against the three tiers of SLO-2 ({@link SloTiers}).
 * <p>Two first tokens are measured: the first chunk with any delta (DeepSeek-R1 streams its reasoning first, as
 * {@code reasoning_content}) and the first content token (the answer, a whole reasoning chain later). The
 * SLO's TTFT is the <b>first content token</b>: that is when the user's answer starts, and the reference run's
 * 30-40 s TTFT p95 and SLO-2's 30 s Tier 2 target only make sense for it. Lab latencies are converted to the
 * GPU time they stand for ({@link GpuClock}) before they are compared with the targets.
 * <p>Hypothesis: the baseline can be measured and the model is available at Tier 1 (Dev) or better: no request
 * lost, every bucket measured, availability (complete / scheduled) at least 99.5%. Which latency tier each bucket
 * achieves, and its gap to Tier 2, are findings, not failures.
 */
@ChaosExperiment(id = "SLO-1", title = "SLO-1 baseline per bucket through the gateway, against the SLO-2 tiers",
    recoverySeconds = 30)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD,
    findings = {TIER_TODAY + ": Tier 1 (Dev)", GAP_FINDING + "B", GAP_FINDING + "C", NOT_DEMONSTRABLE,
        TWO_FIRST_TOKENS},
    keyNumbers = {TTFT_P50 + "A" + CONTENT, TTFT_P95 + "A" + CONTENT, TTFT_P95 + "B" + CONTENT, TTFT_P95 + "C" + CONTENT,
        TTFT_P95 + "A" + FIRST, REQUESTS_OF + "A", ERRORS + "A", AVAILABILITY, GAP + "B", TIER_TODAY})
class TtftBaselineIT {
  static final String TTFT_P50 = "TTFT p50, bucket ";
  static final String TTFT_P95 = "TTFT p95, bucket ";
  static final String CONTENT = " (first content token";
  static final String FIRST = " (first token";
  static final String REQUESTS_OF = "Requests, bucket ";
  static final String ERRORS = "Errors, bucket ";
  static final String GAP = "TTFT p95 gap to Tier 2, bucket ";
  static final String AVAILABILITY = "Availability, all buckets";
  static final String TIER_TODAY = "SLO tier achieved today";
  static final String GAP_FINDING = "Tier 2 gap, bucket ";
  static final String NOT_DEMONSTRABLE = "Availability tiers not demonstrable";
  static final String TWO_FIRST_TOKENS = "Time to first token and time to first content token differ by the "
      + "reasoning chain";
  private static final String MODEL = GatewayStreams.DEEPSEEK;
  /**
   * The reference run's baseline: 167 requests, 104 / 42 / 21 by bucket, concurrency 6: enough for a p95 of bucket
   * A (about 5 requests above it) and B (about 2); C's p95 is near its maximum, noisy as the reference run said. The
   * mix is drawn with a fixed seed, so every run sends the same sequence.
   */
  private static final int CONCURRENCY = 6;
  private static final int REQUESTS = 167;
  private static final long SEED = 20260415L;
  private static final int MIN_MEASURED = 10;
  private static final double CONFIDENCE = 0.95; // one-sided, for what an error-free sample can demonstrate

  @SteadyState
  Hypothesis serving(Probes probes) {
    return Hypothesis.of(MODEL + " serves through the gateway and is idle",
        GatewayStreams.oneStream(probes.target(), MODEL).is(GatewayStreams.complete()),
        probes.vllm().metric(MODEL, "vllm:num_requests_waiting").is(atMost(0)),
        probes.vllm().metric(MODEL, "vllm:kv_cache_usage_perc").is(atMost(0.01)));
  }

  @Test
  void baselineAgainstTiers(Chaos chaos) {
    List<Tier> tiers = SloTiers.tiers();
    Duration tier2Ttft = tiers.get(1).ttftP95().orElseThrow(() -> new IllegalArgumentException(
        SloTiers.TIER2_PROPERTY + " must be a duration: the gap to Tier 2 is what this experiment measures"));
    GpuClock clock = GpuClock.of(chaos.target());
    LoadSpec spec = Load.closedLoop(GatewayStreams.chat(chaos.target(), MODEL), CONCURRENCY)
        .withWorkload(new Workload(List.of(Bucket.interactive().withWeight(104), Bucket.batchLight().withWeight(42),
            Bucket.longContext().withWeight(21)), SEED))
        .withBounds(new Bounds(Duration.ofSeconds(60), REQUESTS, Duration.ofSeconds(60)))
        .withSlo(Slo.of(wall(tier2Ttft, clock), Duration.ofDays(1), Duration.ofDays(1)).onFirstContentToken());
    BackgroundLoad load = BackgroundLoad.of("SLO-1 baseline", spec);
    chaos.inject(load);
    LoadResult result = load.awaitResult(LoadFigures.longestRun(spec));
    chaos.evidence("SLO-1 baseline load", LoadFigures.table(result, clock) + result.goodput().map(g -> String.format(
        Locale.ROOT, "goodput against Tier 2's TTFT (first content token): %d of %d requests (%.1f%%)%n", g.met(),
        g.scheduled(), 100 * g.fraction())).orElse(""));
    LoadFigures.assertNothingLost(result, "SLO-1 baseline");
    LatencyCharts.baseline(chaos, "SLO-1 baseline", result, tiers, clock);

    List<String> rows = new ArrayList<>();
    int overall = tiers.size();
    List<String> gaps = new ArrayList<>();
    for (Bucket b : spec.workload().buckets()) {
      BucketFigures f = BucketFigures.of(result, b.name(), clock);
      assertThat(f.complete()).as("complete requests of bucket %s (%s)", b.name(), result.ledger())
          .isGreaterThanOrEqualTo(MIN_MEASURED);
      record(chaos, f, clock);
      int achieved = SloTiers.achievedTier(tiers, f.availability(), f.ttfcP95());
      overall = Math.min(overall, achieved);
      double gap = f.ttfcP95() - tier2Ttft.toMillis() / 1000.0;
      chaos.record(new KeyNumber(GAP + b.name(), gap, "s", "first content token p95 minus the Tier 2 target of "
          + seconds(tier2Ttft) + " s; negative is headroom"));
      if (gap > 0) {
        gaps.add(b.name());
        chaos.record(tier2Gap(f, gap, tier2Ttft));
      }
      rows.add(String.format(Locale.ROOT, "%-3s n=%-4d availability %7.3f%%  TTFT p95 (content) %6.1f s  -> %s",
          b.name(), f.scheduled(), 100 * f.availability(), f.ttfcP95(), achieved == 0 ? "below Tier 1"
              : tiers.get(achieved - 1).label()));
    }
    String tierTable = SloTiers.table(tiers) + String.join("\n", rows);
    chaos.evidence("SLO-2 tiers against the baseline", tierTable);
    chaos.record(new KeyNumber(TIER_TODAY, overall, "tier", "highest SLO-2 tier every bucket meets on both "
        + "availability (point estimate) and TTFT p95 (first content token); 0 is below Tier 1"));
    chaos.record(tierToday(tiers, overall, gaps, tier2Ttft, tierTable));
    recordAvailability(chaos, result, tiers);
    chaos.record(twoFirstTokens(result, clock));

    // The hypothesis: Tier 1 (Dev) availability, the reference run's "Tier 1 achievable today".
    double availability = (double) result.ledger().count(Outcome.COMPLETE) / result.ledger().scheduled();
    assertThat(availability).as("availability of the baseline (complete / scheduled): %s", result.ledger())
        .isGreaterThanOrEqualTo(tiers.get(0).availability());
  }

  private static void record(Chaos chaos, BucketFigures f, GpuClock clock) {
    String n = "n=" + f.complete() + " complete of " + f.scheduled() + "; " + clock.how();
    String b = f.bucket();
    chaos.record(new KeyNumber(REQUESTS_OF + b, f.scheduled(), "requests", "scheduled in the baseline; "
        + f.complete() + " complete"));
    chaos.record(new KeyNumber(ERRORS + b, f.scheduled() - f.complete(), "requests", "not complete (HTTP errors, "
        + "timeouts, truncations, rejections)"));
    chaos.record(new KeyNumber(TTFT_P50 + b + CONTENT + ", SLO basis)", f.ttfcP50(), "s", n));
    chaos.record(new KeyNumber(TTFT_P95 + b + CONTENT + ", SLO basis)", f.ttfcP95(), "s", n));
    chaos.record(new KeyNumber(TTFT_P50 + b + FIRST + ", reasoning included)", f.ttftP50(), "s", n));
    chaos.record(new KeyNumber(TTFT_P95 + b + FIRST + ", reasoning included)", f.ttftP95(), "s", n));
  }

  /**
   * Availability per tier from the ledger: the point estimate and what the sample can demonstrate (the one-sided
   * Clopper-Pearson lower bound), and how many error-free requests a tier would need.
   */
  private static void recordAvailability(Chaos chaos, LoadResult result, List<Tier> tiers) {
    long n = result.ledger().scheduled();
    long ok = result.ledger().count(Outcome.COMPLETE);
    double point = (double) ok / n;
    double lower = ok == 0 ? 0 : new BetaDistribution(ok, n - ok + 1).inverseCumulativeProbability(1 - CONFIDENCE);
    chaos.record(new KeyNumber(AVAILABILITY, 100 * point, "%", String.format(Locale.ROOT, "%d complete of %d "
        + "scheduled (ledger); %.0f%% lower bound %.2f%%", ok, n, 100 * CONFIDENCE, 100 * lower)));
    StringBuilder perTier = new StringBuilder();
    List<String> unproven = new ArrayList<>();
    for (Tier t : tiers) {
      long needed = (long) Math.ceil(Math.log(1 - CONFIDENCE) / Math.log(t.availability()));
      perTier.append(String.format(Locale.ROOT, "%s: target %.2f%%, point estimate %s, demonstrated (%.0f%% lower "
          + "bound %.2f%%) %s; error-free requests needed to demonstrate it: %d%n", t.label(), 100 * t.availability(),
          point >= t.availability() ? "met" : "missed", 100 * CONFIDENCE, 100 * lower,
          lower >= t.availability() ? "yes" : "no", needed));
      if (lower < t.availability()) {
        unproven.add(t.label() + " needs " + needed);
      }
    }
    chaos.evidence("availability per SLO-2 tier", result.ledger() + "\n" + perTier);
    if (!unproven.isEmpty()) {
      chaos.record(notDemonstrable(ok, n, lower, unproven, perTier.toString()));
    }
  }

  static Finding notDemonstrable(long ok, long n, double lower, List<String> unproven, String perTier) {
    return new Finding(NOT_DEMONSTRABLE + " from a " + n + "-request baseline", String.format(Locale.ROOT,
        "%d of %d requests completed (%.2f%%), but with %d requests the %.0f%% lower bound of availability is "
            + "%.2f%%: %s error-free requests. Availability tiers must be judged on production traffic over the SLO "
            + "window (the SLO-3 burn-rate rules), not on a baseline.", ok, n, 100.0 * ok / n, n, 100 * CONFIDENCE,
        100 * lower, String.join(", ", unproven)), perTier);
  }

  static Finding tier2Gap(BucketFigures f, double gap, Duration tier2Ttft) {
    return new Finding(GAP_FINDING + f.bucket(), String.format(Locale.ROOT, "Bucket %s's TTFT p95 (first content "
        + "token) is %.1f s against Tier 2's %s s: %.1f s to close (n=%d).", f.bucket(), f.ttfcP95(),
        seconds(tier2Ttft), gap, f.complete()), f.toString());
  }

  static Finding tierToday(List<Tier> tiers, int overall, List<String> gaps, Duration tier2Ttft, String tierTable) {
    return new Finding(TIER_TODAY + ": " + (overall == 0 ? "below Tier 1" : tiers.get(overall - 1).label()),
        (overall == 0 ? "Not every bucket meets Tier 1. " : "Every bucket meets " + tiers.get(overall - 1).label()
            + ". ") + (gaps.isEmpty() ? "No bucket misses Tier 2's TTFT target." : "Tier 2's TTFT p95 target ("
            + seconds(tier2Ttft) + " s, first content token) is missed by bucket(s) " + String.join(", ", gaps) + "."),
        tierTable);
  }

  /** The reference run's bimodal TTFT, explained: first token (reasoning) versus first content token. */
  static Finding twoFirstTokens(LoadResult result, GpuClock clock) {
    LatencyHistograms all = result.histograms();
    return new Finding(TWO_FIRST_TOKENS, String.format(Locale.ROOT, "DeepSeek-R1 streams its reasoning first: the "
        + "first token comes after %.2f s (p50), the first content token after %.1f s (p50; p95 %.1f s). The SLO "
        + "uses the first content token, when the answer starts; a TTFT on the first chunk would report the prefill "
        + "and queue only.", LoadFigures.seconds(all.ttftMicros(), 50, clock),
        LoadFigures.seconds(all.ttfcMicros(), 50, clock), LoadFigures.seconds(all.ttfcMicros(), 95, clock)),
        LoadFigures.table(result, clock));
  }

  private static Duration wall(Duration gpu, GpuClock clock) {
    return Duration.ofNanos((long) (gpu.toNanos() * clock.timeScale()));
  }

  /** One bucket's figures in GPU seconds. */
  record BucketFigures(String bucket, long scheduled, long complete, double availability, double ttftP50,
                       double ttftP95, double ttfcP50, double ttfcP95) {
    static BucketFigures of(LoadResult result, String bucket, GpuClock clock) {
      long scheduled = result.records().stream().filter(r -> r.bucket().equals(bucket)).count();
      long complete = LoadFigures.complete(result, bucket);
      LatencyHistograms h = result.histograms(bucket);
      return new BucketFigures(bucket, scheduled, complete, scheduled == 0 ? 0 : (double) complete / scheduled,
          LoadFigures.seconds(h.ttftMicros(), 50, clock), LoadFigures.seconds(h.ttftMicros(), 95, clock),
          LoadFigures.seconds(h.ttfcMicros(), 50, clock), LoadFigures.seconds(h.ttfcMicros(), 95, clock));
    }
  }
}
