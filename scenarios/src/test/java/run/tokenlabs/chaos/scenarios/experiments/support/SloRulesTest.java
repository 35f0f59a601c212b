package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.probes.api.AlertState;
import run.tokenlabs.chaos.probes.api.Rule;
import run.tokenlabs.chaos.probes.api.RuleGroup;

/** SLO-3's audit of the live rules on rule groups as Prometheus reports them. */
class SloRulesTest {
  private static final Instant NOW = Instant.parse("2026-04-15T03:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(15);

  @Test
  @DisplayName("every group, recording and tier x window alert loaded, healthy and fresh: no problem")
  void liveRulesHaveNoProblem() {
    assertThat(SloRules.audit(groups(Map.of()), NOW)).isEmpty();
  }

  @Test
  @DisplayName("a missing tier group, an erroring alert and a stale recording are each named")
  void problemsAreNamed() {
    List<RuleGroup> groups = new ArrayList<>(groups(Map.of(SloRules.recording("1h"), NOW.minusSeconds(60),
        SloRules.alertName("interactive", List.of("6h", "30m")), Instant.EPOCH)));
    groups.removeIf(g -> g.name().equals(SloRules.tierGroup("prod")));

    List<SloRules.Problem> problems = SloRules.audit(groups, NOW);

    assertThat(problems).extracting(SloRules.Problem::toString).containsExactlyInAnyOrder(
        "tokenlabs:gateway_error_ratio:rate1h: not evaluated (last evaluated at 2026-04-15T02:59:00Z, more than PT45S "
            + "(3 intervals of PT15S, at least PT15S) before 2026-04-15T03:00:00Z)",
        "TokenLabsErrorBudgetBurn{slo_tier=interactive, 6h/30m}: unhealthy (health err, last error: many-to-many "
            + "matching not allowed)",
        "token-labs-slos-prod: missing (rule group not loaded: no burn-rate alert of tier prod can fire)");
    // 12 alerts: prod's 4 are not loaded, interactive 6h/30m errs; a stale recording is no alert's own problem
    assertThat(SloRules.liveAlerts(problems)).isEqualTo(7);
    assertThat(SloRules.liveAlerts(List.of())).isEqualTo(12);
  }

  @Test
  @DisplayName("with a 1 s interval a rule is stale after 15 s, not after 3 s")
  void shortIntervalsAreStaleAfterFifteenSeconds() {
    RuleGroup recordings = new RuleGroup(SloRules.RECORDINGS, "f", Duration.ofSeconds(1), List.of(new Rule(
        SloRules.recording("5m"), false, "x", AlertState.INACTIVE, Duration.ZERO, Map.of(), "ok", "",
        Optional.of(NOW.minusSeconds(10)), List.of())));

    assertThat(SloRules.audit(List.of(recordings), NOW)).extracting(SloRules.Problem::rule)
        .doesNotContain(SloRules.recording("5m")).contains(SloRules.recording("1m"));
    assertThat(SloRules.audit(List.of(recordings), NOW.plusSeconds(6))).extracting(SloRules.Problem::toString)
        .anyMatch(p -> p.startsWith(SloRules.recording("5m") + ": not evaluated"));
  }

  @Test
  @DisplayName("an alert whose window labels differ from the table is missing, not silently accepted")
  void alertWithOtherWindowsIsMissing() {
    List<RuleGroup> groups = groups(Map.of());
    RuleGroup dev = groups.stream().filter(g -> g.name().equals(SloRules.tierGroup("dev"))).findFirst().orElseThrow();
    List<Rule> rules = new ArrayList<>(dev.rules());
    rules.set(0, alert("dev", List.of("2h", "5m"), "ok", NOW));
    List<RuleGroup> changed = new ArrayList<>(groups);
    changed.set(groups.indexOf(dev), new RuleGroup(dev.name(), dev.file(), dev.interval(), rules));

    assertThat(SloRules.audit(changed, NOW)).extracting(SloRules.Problem::rule)
        .containsExactly("TokenLabsErrorBudgetBurn{slo_tier=dev, 1h/5m}");
  }

  /** Complete SLO groups; a rule named in {@code evaluatedAt} was last evaluated then (EPOCH: erroring, fresh). */
  private static List<RuleGroup> groups(Map<String, Instant> evaluatedAt) {
    List<RuleGroup> groups = new ArrayList<>();
    List<Rule> recordings = new ArrayList<>();
    for (String w : SloRules.RECORDED) {
      recordings.add(new Rule(SloRules.recording(w), false, "sum(rate(x[" + w + "]))", AlertState.INACTIVE,
          Duration.ZERO, Map.of(), "ok", "", Optional.of(evaluatedAt.getOrDefault(SloRules.recording(w), NOW)),
          List.of()));
    }
    groups.add(new RuleGroup(SloRules.RECORDINGS, "token-labs-slos.rules.json", INTERVAL, recordings));
    for (String tier : SloRules.TIERS) {
      List<Rule> alerts = new ArrayList<>();
      for (List<String> w : SloRules.WINDOWS) {
        Instant at = evaluatedAt.getOrDefault(SloRules.alertName(tier, w), NOW);
        alerts.add(at.equals(Instant.EPOCH) ? alert(tier, w, "err", NOW) : alert(tier, w, "ok", at));
      }
      groups.add(new RuleGroup(SloRules.tierGroup(tier), "token-labs-slos.rules.json", INTERVAL, alerts));
    }
    return groups;
  }

  private static Rule alert(String tier, List<String> windows, String health, Instant at) {
    return new Rule(SloRules.ALERT, true, "x > 1", AlertState.INACTIVE, Duration.ofMinutes(2), Map.of("slo_tier", tier,
        "long_window", windows.get(0), "short_window", windows.get(1)), health,
        "err".equals(health) ? "many-to-many matching not allowed" : "", Optional.of(at), List.of());
  }
}
