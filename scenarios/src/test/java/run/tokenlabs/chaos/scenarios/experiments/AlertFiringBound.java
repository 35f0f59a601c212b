package run.tokenlabs.chaos.scenarios.experiments;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.Rule;
import run.tokenlabs.chaos.probes.api.RuleGroup;

/**
 * The worst-case time from a pod's force-delete to an alert firing, by FACTS' formula ("Staleness
 * and absence"): service-discovery delay (about 5-10 s; 10 s taken) + 2.1 scrape intervals until the
 * stale markers + one evaluation + ceil(for / evaluation) evaluations, plus whatever the rule needs
 * beyond absence ({@link #plus}). The rule's {@code for:} and its group's evaluation interval are read
 * from Prometheus, so the lab (scaled {@code for:}, 1 s scrape) and a cluster each get their own bound.
 *
 * @param alert the alerting rule's name
 * @param scrape the scrape interval (S)
 * @param evaluation the rule group's evaluation interval (E)
 * @param forDuration the rule's {@code for:} as loaded (F; the longest if several rules share the name)
 * @param extra time the rule needs on top of absence, e.g. to accumulate a burn ratio; zero if none
 * @param extraReason why {@code extra} is there, for the evidence
 */
record AlertFiringBound(String alert, Duration scrape, Duration evaluation, Duration forDuration, Duration extra,
                        String extraReason) {
  /** The upper end of FACTS' 5-10 s service-discovery delay. */
  static final Duration SERVICE_DISCOVERY_DELAY = Duration.ofSeconds(10);

  /** The bound of the alerting rule {@code alert} as Prometheus has it loaded. */
  static AlertFiringBound of(PrometheusClient client, String alert, Duration scrape) {
    List<RuleGroup> groups = client.rules().stream()
        .filter(g -> g.rules().stream().anyMatch(r -> r.alerting() && r.name().equals(alert))).toList();
    if (groups.isEmpty()) {
      throw new ProbeException("No alerting rule named '" + alert + "' is loaded in Prometheus at " + client.url()
          + "; load rules/token-labs-availability.yaml (the lab loads rules/ when tokenlabs.rules.dir is set)");
    }
    Duration evaluation = groups.stream().map(RuleGroup::interval).max(Duration::compareTo).orElseThrow();
    Duration forDuration = groups.stream().flatMap(g -> g.rules().stream())
        .filter(r -> r.alerting() && r.name().equals(alert)).map(Rule::forDuration)
        .max(Duration::compareTo).orElseThrow();
    return new AlertFiringBound(alert, scrape, evaluation, forDuration, Duration.ZERO, "");
  }

  /** This bound plus {@code more}, for the reason given. */
  AlertFiringBound plus(Duration more, String reason) {
    return new AlertFiringBound(alert, scrape, evaluation, forDuration, extra.plus(more),
        extraReason.isEmpty() ? reason : extraReason + "; " + reason);
  }

  /** The bound itself. */
  Duration total() {
    long evaluations = evaluation.isZero() ? 0
        : (forDuration.toMillis() + evaluation.toMillis() - 1) / evaluation.toMillis();
    return SERVICE_DISCOVERY_DELAY.plusMillis(Math.round(2.1 * scrape.toMillis())).plus(evaluation)
        .plus(evaluation.multipliedBy(evaluations)).plus(extra);
  }

  /** The formula with its numbers, e.g. {@code 10 s SD + 2.1 x 1 s scrape + ... = 17.1 s}. */
  String formula() {
    return String.format(Locale.ROOT,
        "%s s SD + 2.1 x %s s scrape + %s s evaluation + ceil(%s s for / %s s) x %s s%s = %s s",
        s(SERVICE_DISCOVERY_DELAY), s(scrape), s(evaluation), s(forDuration), s(evaluation), s(evaluation),
        extra.isZero() ? "" : " + " + s(extra) + " s (" + extraReason + ")", s(total()));
  }

  private static String s(Duration d) {
    double seconds = d.toMillis() / 1000.0;
    return seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.format(Locale.ROOT, "%.1f", seconds);
  }
}
