package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.scenarios.experiments.SloBurnRateRulesIT.ALERTS_LIVE;
import static run.tokenlabs.chaos.scenarios.experiments.SloBurnRateRulesIT.LIVE;
import static run.tokenlabs.chaos.scenarios.experiments.SloBurnRateRulesIT.OLDEST;
import static run.tokenlabs.chaos.scenarios.experiments.SloBurnRateRulesIT.RULES_LOADED;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.Rule;
import run.tokenlabs.chaos.probes.api.RuleGroup;
import run.tokenlabs.chaos.scenarios.experiments.support.SloRules;

/**
 * SLO-3 of the reference run ("PrometheusRules applied; multi-burn-rate availability alerts live for Tier 2 across
 * 1h/6h/1d windows"), as a check of the live Prometheus rather than of the files: its {@code /api/v1/rules} must hold
 * the SLO rule groups, the gateway error-ratio recording per window, and {@code TokenLabsErrorBudgetBurn} for every
 * tier (dev, interactive, prod) and window pair (1h/5m, 6h/30m, 1d/2h, 3d/6h), each with health ok and evaluated
 * within the last three evaluation intervals ({@link SloRules}). A rule in the repository that Prometheus did not
 * load, or loads but cannot evaluate, never fires: every such rule is a finding naming it and what was seen.
 * Read-only: it injects nothing. On a cluster it needs Prometheus with the {@code token-labs-slos} PrometheusRule
 * applied.
 */
@ChaosExperiment(id = "SLO-3", title = "SLO-3 burn-rate rules live: every tier and window loaded, healthy, evaluated")
class SloBurnRateRulesIT {
  static final String RULES_LOADED = "SLO rules loaded";
  static final String ALERTS_LIVE = "Burn-rate alerts live";
  static final String OLDEST = "Oldest SLO rule evaluation";
  static final String LIVE = "Multi-burn-rate availability alerts live for every tier";
  /** A freshly started Prometheus evaluates each group within one interval; allow a few before judging. */
  private static final Duration FIRST_EVALUATION = Duration.ofSeconds(30);

  @Test
  @DisplayName("the SLO rule groups are loaded; every tier x window burn-rate alert and recording is healthy and "
      + "evaluated recently")
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, findings = {LIVE},
      keyNumbers = {RULES_LOADED, ALERTS_LIVE, OLDEST})
  @ExpectedOnLab(profile = "h200", verdict = Verdict.HELD, findings = {LIVE},
      keyNumbers = {RULES_LOADED, ALERTS_LIVE, OLDEST})
  void burnRateRulesLive(Chaos chaos, Probes probes) {
    List<RuleGroup> groups = Awaiting.reading("Prometheus to have evaluated the SLO rules at least once",
            () -> probes.prometheus().client().rules())
        .atMost(FIRST_EVALUATION).pollEvery(Duration.ofMillis(500))
        .untilOrEmpty(SloBurnRateRulesIT::allEvaluated)
        .orElseGet(() -> probes.prometheus().client().rules());
    Instant now = Instant.now();
    List<RuleGroup> slo = groups.stream().filter(g -> g.name().startsWith("token-labs-slos")).toList();
    chaos.evidence("Prometheus /api/v1/rules, SLO groups", describe(slo, now));

    List<SloRules.Problem> problems = SloRules.audit(groups, now);
    int expectedAlerts = SloRules.TIERS.size() * SloRules.WINDOWS.size();
    long live = SloRules.liveAlerts(problems);
    chaos.record(new KeyNumber(RULES_LOADED, slo.stream().mapToInt(g -> g.rules().size()).sum(), "rules",
        slo.size() + " groups: " + slo.stream().map(RuleGroup::name).toList()));
    chaos.record(new KeyNumber(ALERTS_LIVE, live, "alerts", "of " + expectedAlerts + " (" + SloRules.TIERS.size()
        + " tiers x " + SloRules.WINDOWS.size() + " window pairs), loaded, health ok, evaluated recently"));
    chaos.record(new KeyNumber(OLDEST, oldestAge(slo, now), "s", "seconds since the least recently evaluated SLO "
        + "rule was evaluated; stale after 3 evaluation intervals"));
    for (SloRules.Problem p : problems) {
      chaos.record(new Finding("SLO rule " + p.kind() + ": " + p.rule(), p.rule() + " is " + p.kind() + ": "
          + p.detail() + ". An SLO alert that is not loaded or cannot be evaluated never fires; apply the "
          + "token-labs-slos PrometheusRule (rules/) and check the Prometheus log for the rule file.", p.toString()));
    }
    if (problems.isEmpty()) {
      chaos.record(new Finding(LIVE, String.format(Locale.ROOT, "All %d burn-rate alerts are loaded, healthy and "
          + "evaluated: %s for each tier of %s, on %d gateway error-ratio recordings. The reference run found Tier 2 "
          + "(interactive) live across 1h/6h/1d; here every tier's window pairs are.", expectedAlerts,
          SloRules.WINDOWS.stream().map(w -> w.get(0) + "/" + w.get(1)).toList(), SloRules.TIERS,
          SloRules.RECORDED.size()), describe(slo, now)));
    }

    // The hypothesis: the SLO rules are live.
    assertThat(problems).as("problems with the SLO rules in Prometheus (%d groups seen: %s)", groups.size(),
        groups.stream().map(RuleGroup::name).toList()).isEmpty();
  }

  private static boolean allEvaluated(List<RuleGroup> groups) {
    return groups.stream().filter(g -> g.name().startsWith("token-labs-slos")).count() >= 1 + SloRules.TIERS.size()
        && groups.stream().filter(g -> g.name().startsWith("token-labs-slos")).flatMap(g -> g.rules().stream())
        .allMatch(r -> r.lastEvaluation().isPresent());
  }

  private static double oldestAge(List<RuleGroup> slo, Instant now) {
    return slo.stream().flatMap(g -> g.rules().stream()).map(Rule::lastEvaluation).flatMap(java.util.Optional::stream)
        .mapToDouble(at -> Duration.between(at, now).toMillis() / 1000.0).max().orElse(Double.NaN);
  }

  private static String describe(List<RuleGroup> groups, Instant now) {
    return groups.stream().map(g -> g.name() + " (" + g.file() + ", every " + g.interval() + "):\n" + g.rules().stream()
        .map(r -> String.format(Locale.ROOT, "  %s %s %s health %s%s, evaluated %s", r.alerting() ? "alert" : "record",
            r.name(), r.alerting() ? r.labels() : "", r.health(), r.lastError().isEmpty() ? "" : " (" + r.lastError()
                + ")", r.lastEvaluation().map(at -> Duration.between(at, now).toMillis() / 1000.0 + " s ago")
                .orElse("never")))
        .collect(Collectors.joining("\n"))).collect(Collectors.joining("\n"));
  }
}
