package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atMost;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Hypothesis;
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

/**
 * SLO-1 and SLO-2 of the reference run: a baseline load through the gateway per workload bucket (A interactive,
 * B batch-light, C long-context), measured as the reference run did (167 chat requests at concurrency 6, mixed
 * 104 : 42 : 21), and held against the three tiers of SLO-2 (Dev 99.5%, Interactive 99.9%, Prod 99.95%).
 *
 * <p>Two first tokens are measured: the first chunk with any delta (DeepSeek-R1 streams its reasoning first, as
 * {@code reasoning_content}) and the first content token (the answer, a whole reasoning chain later). The
 * SLO's TTFT is the <b>first content token</b>: that is when the user's answer starts, and the reference run's
 * 30-40 s TTFT p95 and SLO-2's 30 s Tier 2 target only make sense for it. Lab latencies are converted to the
 * GPU time they stand for ({@link GpuClock}) before they are compared with the targets.
 *
 * <p>Hypothesis: the baseline can be measured and the model is available at Tier 1 (Dev) or better: no request
 * lost, every bucket measured, availability (complete / scheduled) at least 99.5%. Which latency tier each bucket
 * achieves, and its gap to Tier 2, are findings, not failures. The TTFT p95 targets are system properties
 * ({@value #TIER1_PROPERTY}, {@value #TIER2_PROPERTY}, {@value #TIER3_PROPERTY}; e.g. {@code 30s}, {@code 1m}, or
 * {@code none}). The reference run states only Tier 2's (30 s); by default Tier 1 (Dev) has none (it is defined by
 * its availability) and Tier 3 (Prod) keeps Tier 2's 30 s and asks for more availability.
 */
@ChaosExperiment(id = "SLO-1", title = "SLO-1 baseline per bucket through the gateway, against the SLO-2 tiers",
    recoverySeconds = 30)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD,
    findings = {"SLO tier achieved today: Tier 1 (Dev)", "Tier 2 gap, bucket B", "Tier 2 gap, bucket C",
        "Availability tiers not demonstrable", "first content token"},
    keyNumbers = {"TTFT p50, bucket A (first content token", "TTFT p95, bucket A (first content token",
        "TTFT p95, bucket B (first content token", "TTFT p95, bucket C (first content token",
        "TTFT p95, bucket A (first token", "Requests, bucket A", "Errors, bucket A", "Availability, all buckets",
        "TTFT p95 gap to Tier 2, bucket B", "SLO tier achieved today"})
class Slo1BaselineIT {
  /** System property: Tier 1 (Dev) TTFT p95 target (first content token, GPU time); none by default. */
  static final String TIER1_PROPERTY = "tokenlabs.slo.tier1.ttftP95";
  /** System property: Tier 2 (Interactive) TTFT p95 target; 30 s by default (the reference run's). */
  static final String TIER2_PROPERTY = "tokenlabs.slo.tier2.ttftP95";
  /** System property: Tier 3 (Prod) TTFT p95 target; 30 s by default (as Tier 2, with more availability). */
  static final String TIER3_PROPERTY = "tokenlabs.slo.tier3.ttftP95";
  private static final String MODEL = GatewayStreams.DEEPSEEK;
  /**
   * The reference run's baseline: 167 requests, 104 / 42 / 21 by bucket, concurrency 6. That is enough for a p95
   * of bucket A (about 5 requests above it) and B (about 2); C's p95 is close to its maximum, noisy as the
   * reference run said. The mix is drawn with a fixed seed, so every run sends the same sequence.
   */
  private static final int CONCURRENCY = 6;
  private static final int REQUESTS = 167;
  private static final long SEED = 20260415L;
  private static final int MIN_MEASURED = 10;
  /** One-sided confidence for what an error-free sample can demonstrate. */
  private static final double CONFIDENCE = 0.95;

  /** A tier of SLO-2: an availability target and maybe a TTFT p95 target (first content token, GPU time). */
  record Tier(int number, String name, double availability, Optional<Duration> ttftP95) {
    String label() {
      return "Tier " + number + " (" + name + ")";
    }

    boolean metBy(double availabilityMeasured, double ttftP95Seconds) {
      return availabilityMeasured >= availability && ttftP95.map(t -> ttftP95Seconds <= t.toMillis() / 1000.0).orElse(true);
    }

    String target() {
      return String.format(Locale.ROOT, "availability %.2f%%, TTFT p95 %s", 100 * availability,
          ttftP95.map(t -> "<= " + seconds(t) + " s").orElse("not set"));
    }
  }

  @SteadyState
  Hypothesis serving(Probes probes) {
    return Hypothesis.of(MODEL + " serves through the gateway and is idle",
        GatewayStreams.oneStream(probes.target(), MODEL).is(GatewayStreams.complete()),
        probes.vllm().metric(MODEL, "vllm:num_requests_waiting").is(atMost(0)),
        probes.vllm().metric(MODEL, "vllm:kv_cache_usage_perc").is(atMost(0.01)));
  }

  @Test
  void baselineAgainstTiers(Chaos chaos) {
    List<Tier> tiers = tiers();
    Tier tier2 = tiers.get(1);
    Duration tier2Ttft = tier2.ttftP95().orElseThrow(() -> new IllegalArgumentException(TIER2_PROPERTY
        + " must be a duration: the gap to Tier 2 is what this experiment measures"));
    GpuClock clock = GpuClock.of(chaos.target());
    LoadSpec spec = Load.closedLoop(GatewayStreams.chat(chaos.target(), MODEL), CONCURRENCY)
        .withWorkload(new Workload(List.of(Bucket.interactive().withWeight(104), Bucket.batchLight().withWeight(42),
            Bucket.longContext().withWeight(21)), SEED))
        .withBounds(new Bounds(Duration.ofSeconds(60), REQUESTS, Duration.ofSeconds(60)))
        .withSlo(Slo.of(wall(tier2Ttft, clock), Duration.ofDays(1), Duration.ofDays(1)).onFirstContentToken());
    BackgroundLoad load = BackgroundLoad.of("SLO-1 baseline", spec);
    chaos.inject(load);
    LoadResult result = load.awaitResult(Failure1KvPressureIT.longestRun(spec));
    chaos.evidence("SLO-1 baseline load", LoadFigures.table(result, clock) + result.goodput().map(g -> String.format(
        Locale.ROOT, "goodput against Tier 2's TTFT (first content token): %d of %d requests (%.1f%%)%n", g.met(),
        g.scheduled(), 100 * g.fraction())).orElse(""));
    LoadFigures.assertNothingLost(result, "SLO-1 baseline");

    List<String> rows = new ArrayList<>();
    int overall = tiers.size();
    List<String> gaps = new ArrayList<>();
    for (Bucket b : spec.workload().buckets()) {
      BucketFigures f = BucketFigures.of(result, b.name(), clock);
      assertThat(f.complete()).as("complete requests of bucket %s (%s)", b.name(), result.ledger())
          .isGreaterThanOrEqualTo(MIN_MEASURED);
      record(chaos, f, clock);
      int achieved = achievedTier(tiers, f.availability(), f.ttfcP95());
      overall = Math.min(overall, achieved);
      double gap = f.ttfcP95() - tier2Ttft.toMillis() / 1000.0;
      chaos.keyNumber("TTFT p95 gap to Tier 2, bucket " + b.name(), gap, "s", "first content token p95 minus the Tier 2 "
          + "target of " + seconds(tier2Ttft) + " s; negative is headroom");
      if (gap > 0) {
        gaps.add(b.name());
        chaos.finding("Tier 2 gap, bucket " + b.name(), String.format(Locale.ROOT, "Bucket %s's TTFT p95 (first content "
            + "token) is %.1f s against Tier 2's %s s: %.1f s to close (n=%d).", b.name(), f.ttfcP95(),
            seconds(tier2Ttft), gap, f.complete()), f.toString());
      }
      rows.add(String.format(Locale.ROOT, "%-3s n=%-4d availability %7.3f%%  TTFT p95 (content) %6.1f s  -> %s",
          b.name(), f.scheduled(), 100 * f.availability(), f.ttfcP95(), achieved == 0 ? "below Tier 1"
              : tiers.get(achieved - 1).label()));
    }
    String tierTable = tierTable(tiers) + String.join("\n", rows);
    chaos.evidence("SLO-2 tiers against the baseline", tierTable);
    chaos.keyNumber("SLO tier achieved today", overall, "tier", "highest SLO-2 tier every bucket meets on both "
        + "availability (point estimate) and TTFT p95 (first content token); 0 is below Tier 1");
    chaos.finding("SLO tier achieved today: " + (overall == 0 ? "below Tier 1" : tiers.get(overall - 1).label()),
        (overall == 0 ? "Not every bucket meets Tier 1. " : "Every bucket meets " + tiers.get(overall - 1).label()
            + ". ") + (gaps.isEmpty() ? "No bucket misses Tier 2's TTFT target." : "Tier 2's TTFT p95 target ("
            + seconds(tier2Ttft) + " s, first content token) is missed by bucket(s) " + String.join(", ", gaps) + "."),
        tierTable);

    recordAvailability(chaos, result, tiers);
    recordFirstTokens(chaos, result, clock);
    // The hypothesis: Tier 1 (Dev) availability, the reference run's "Tier 1 achievable today".
    double availability = (double) result.ledger().count(Outcome.COMPLETE) / result.ledger().scheduled();
    assertThat(availability).as("availability of the baseline (complete / scheduled): %s", result.ledger())
        .isGreaterThanOrEqualTo(tiers.get(0).availability());
  }

  /** The SLO-2 tiers, TTFT targets from the system properties. */
  static List<Tier> tiers() {
    return List.of(
        new Tier(1, "Dev", 0.995, duration(TIER1_PROPERTY, Optional.empty())),
        new Tier(2, "Interactive", 0.999, duration(TIER2_PROPERTY, Optional.of(Duration.ofSeconds(30)))),
        new Tier(3, "Prod", 0.9995, duration(TIER3_PROPERTY, Optional.of(Duration.ofSeconds(30)))));
  }

  /** The highest tier met on both availability and TTFT p95; tiers are nested, each stricter than the last. */
  static int achievedTier(List<Tier> tiers, double availability, double ttftP95Seconds) {
    int achieved = 0;
    for (Tier t : tiers) {
      if (t.metBy(availability, ttftP95Seconds)) {
        achieved = t.number();
      } else {
        break;
      }
    }
    return achieved;
  }

  private static void record(Chaos chaos, BucketFigures f, GpuClock clock) {
    String n = "n=" + f.complete() + " complete of " + f.scheduled() + "; " + clock.how();
    String b = f.bucket();
    chaos.keyNumber("Requests, bucket " + b, f.scheduled(), "requests", "scheduled in the baseline; " + f.complete()
        + " complete");
    chaos.keyNumber("Errors, bucket " + b, f.scheduled() - f.complete(), "requests", "not complete (HTTP errors, "
        + "timeouts, truncations, rejections)");
    chaos.keyNumber("TTFT p50, bucket " + b + " (first content token, SLO basis)", f.ttfcP50(), "s", n);
    chaos.keyNumber("TTFT p95, bucket " + b + " (first content token, SLO basis)", f.ttfcP95(), "s", n);
    chaos.keyNumber("TTFT p50, bucket " + b + " (first token, reasoning included)", f.ttftP50(), "s", n);
    chaos.keyNumber("TTFT p95, bucket " + b + " (first token, reasoning included)", f.ttftP95(), "s", n);
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
    chaos.keyNumber("Availability, all buckets", 100 * point, "%", String.format(Locale.ROOT, "%d complete of %d "
        + "scheduled (ledger); %.0f%% lower bound %.2f%%", ok, n, 100 * CONFIDENCE, 100 * lower));
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
      chaos.finding("Availability tiers not demonstrable from a " + n + "-request baseline",
          String.format(Locale.ROOT, "%d of %d requests completed (%.2f%%), but with %d requests the %.0f%% lower "
              + "bound of availability is %.2f%%: %s error-free requests. Availability tiers must be judged on "
              + "production traffic over the SLO window (the SLO-3 burn-rate rules), not on a baseline.", ok, n,
              100 * point, n, 100 * CONFIDENCE, 100 * lower, String.join(", ", unproven)), perTier.toString());
    }
  }

  /** The reference run's bimodal TTFT, explained: first token (reasoning) versus first content token. */
  private static void recordFirstTokens(Chaos chaos, LoadResult result, GpuClock clock) {
    LatencyHistograms all = result.histograms();
    double ttftP50 = LoadFigures.seconds(all.ttftMicros(), 50, clock);
    double ttfcP50 = LoadFigures.seconds(all.ttfcMicros(), 50, clock);
    double ttfcP95 = LoadFigures.seconds(all.ttfcMicros(), 95, clock);
    chaos.finding("Time to first token and time to first content token differ by the reasoning chain",
        String.format(Locale.ROOT, "DeepSeek-R1 streams its reasoning first: the first token comes after %.2f s (p50), "
            + "the first content token after %.1f s (p50; p95 %.1f s). The SLO uses the first content token, when the "
            + "answer starts; a TTFT on the first chunk would report the prefill and queue only.", ttftP50, ttfcP50,
            ttfcP95), LoadFigures.table(result, clock));
  }

  private static String tierTable(List<Tier> tiers) {
    StringBuilder out = new StringBuilder("SLO-2 tiers (TTFT = first content token, p95, GPU time):\n");
    tiers.forEach(t -> out.append("  ").append(t.label()).append(": ").append(t.target()).append('\n'));
    return out.toString();
  }

  private static Optional<Duration> duration(String property, Optional<Duration> fallback) {
    String text = System.getProperty(property);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    if (text.strip().equals("none")) {
      return Optional.empty();
    }
    Duration d = PromWindows.parse(text.strip());
    if (d.isZero()) {
      throw new IllegalArgumentException("System property " + property + "='" + text + "' is not a duration; give "
          + "e.g. 30s, 1m or 1m30s, or none");
    }
    return Optional.of(d);
  }

  private static Duration wall(Duration gpu, GpuClock clock) {
    return Duration.ofNanos((long) (gpu.toNanos() * clock.timeScale()));
  }

  private static String seconds(Duration d) {
    return PromWindows.format(d.toMillis() / 1000.0);
  }

  /** One bucket's figures in GPU seconds. */
  private record BucketFigures(String bucket, long scheduled, long complete, double availability, double ttftP50,
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
