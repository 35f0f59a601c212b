package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.probes.api.Rule;
import run.tokenlabs.chaos.probes.api.RuleGroup;

/**
 * What SLO-3's rules must be in a live Prometheus: the groups of {@code rules/prometheus/token-labs-slos.rules.yml}
 * loaded, the gateway error-ratio recording per window, and {@code TokenLabsErrorBudgetBurn} for every tier and
 * window pair of the multi-window multi-burn-rate table, each healthy and evaluated within the last
 * {@value #STALE_INTERVALS} evaluation intervals of its group (at least {@link #STALE_AT_LEAST}). A rule Prometheus read but cannot evaluate (a bad
 * expression, a recording it depends on missing) shows as health {@code err} with its last error; an alert that
 * is not loaded never fires, which is what the audit is for.
 */
public final class SloRules {
  public static final String ALERT = "TokenLabsErrorBudgetBurn";
  public static final String RECORDINGS = "token-labs-slos-recordings";
  public static final List<String> TIERS = List.of("dev", "interactive", "prod");
  /** Long and short window of each alert, fastest burn first. */
  public static final List<List<String>> WINDOWS = List.of(List.of("1h", "5m"), List.of("6h", "30m"),
      List.of("1d", "2h"), List.of("3d", "6h"));
  public static final List<String> RECORDED = List.of("1m", "5m", "30m", "1h", "2h", "6h", "1d", "3d");
  /** A rule not evaluated for this many of its group's intervals is stale. */
  static final int STALE_INTERVALS = 3;
  /** ...and never stale sooner than this: a busy Prometheus with a 1 s interval (the lab's) may skip a few. */
  static final Duration STALE_AT_LEAST = Duration.ofSeconds(15);

  private SloRules() {
  }

  /** The group of a tier's burn-rate alerts. */
  public static String tierGroup(String tier) {
    return "token-labs-slos-" + tier;
  }

  /** The recording of the gateway error ratio over {@code window}. */
  public static String recording(String window) {
    return "tokenlabs:gateway_error_ratio:rate" + window;
  }

  /**
   * Every problem with the SLO rules in {@code groups} at {@code now}: a missing group, recording or alert, a rule
   * whose health is not ok, a rule not evaluated recently. Empty when the rules are live.
   */
  public static List<Problem> audit(List<RuleGroup> groups, Instant now) {
    List<Problem> problems = new ArrayList<>();
    Optional<RuleGroup> recordings = group(groups, RECORDINGS);
    if (recordings.isEmpty()) {
      problems.add(new Problem("missing", RECORDINGS, "rule group not loaded"));
    } else {
      for (String w : RECORDED) {
        Optional<Rule> r = recordings.get().rules().stream().filter(x -> !x.alerting() && x.name().equals(recording(w)))
            .findFirst();
        problems.addAll(r.map(x -> health(recordings.get(), x, recording(w), now)).orElse(List.of(
            new Problem("missing", recording(w), "recording rule not in group " + RECORDINGS))));
      }
    }
    for (String tier : TIERS) {
      Optional<RuleGroup> g = group(groups, tierGroup(tier));
      if (g.isEmpty()) {
        problems.add(new Problem("missing", tierGroup(tier), "rule group not loaded: no burn-rate alert of tier "
            + tier + " can fire"));
        continue;
      }
      for (List<String> w : WINDOWS) {
        String what = alertName(tier, w);
        Optional<Rule> r = g.get().rules().stream().filter(x -> x.alerting() && x.name().equals(ALERT)
            && Map.of("slo_tier", tier, "long_window", w.get(0), "short_window", w.get(1)).entrySet().stream()
            .allMatch(e -> e.getValue().equals(x.labels().get(e.getKey())))).findFirst();
        problems.addAll(r.map(x -> health(g.get(), x, what, now)).orElse(List.of(new Problem("missing", what,
            "alerting rule not in group " + tierGroup(tier) + " (labels slo_tier, long_window, short_window)"))));
      }
    }
    return problems;
  }

  /** Tier x window alerts with no problem of their own and whose tier group is loaded. */
  public static long liveAlerts(List<Problem> problems) {
    return TIERS.stream().mapToLong(t -> WINDOWS.stream().filter(w -> problems.stream()
        .noneMatch(p -> p.rule().equals(alertName(t, w)) || p.rule().equals(tierGroup(t)))).count()).sum();
  }

  /** {@code TokenLabsErrorBudgetBurn{slo_tier=interactive, 1h/5m}}. */
  public static String alertName(String tier, List<String> windows) {
    return ALERT + "{slo_tier=" + tier + ", " + windows.get(0) + "/" + windows.get(1) + "}";
  }

  private static List<Problem> health(RuleGroup g, Rule r, String what, Instant now) {
    List<Problem> problems = new ArrayList<>();
    if (!"ok".equals(r.health())) {
      problems.add(new Problem("unhealthy", what, "health " + r.health() + (r.lastError().isEmpty() ? ""
          : ", last error: " + r.lastError())));
    }
    Duration intervals = g.interval().multipliedBy(STALE_INTERVALS);
    Duration stale = intervals.compareTo(STALE_AT_LEAST) < 0 ? STALE_AT_LEAST : intervals;
    if (r.lastEvaluation().isEmpty()) {
      problems.add(new Problem("not evaluated", what, "no last evaluation reported"));
    } else if (Duration.between(r.lastEvaluation().get(), now).compareTo(stale) > 0) {
      problems.add(new Problem("not evaluated", what, "last evaluated at " + r.lastEvaluation().get() + ", more than "
          + stale + " (" + STALE_INTERVALS + " intervals of " + g.interval() + ", at least " + STALE_AT_LEAST
          + ") before " + now));
    }
    return problems;
  }

  private static Optional<RuleGroup> group(List<RuleGroup> groups, String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst();
  }

  /**
   * One thing wrong with the SLO rules.
   *
   * @param kind {@code missing}, {@code unhealthy} or {@code not evaluated}
   * @param rule the group, recording or alert (with tier and windows)
   * @param detail what was seen
   */
  public record Problem(String kind, String rule, String detail) {
    @Override
    public String toString() {
      return rule + ": " + kind + " (" + detail + ")";
    }
  }
}
