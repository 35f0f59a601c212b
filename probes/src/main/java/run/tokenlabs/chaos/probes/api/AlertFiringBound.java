package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import run.tokenlabs.chaos.api.ProbeException;

/**
 * The worst-case time from a pod's deletion to an absence alert firing: the service-discovery delay
 * (Kubernetes SD updates are throttled to about 5 s; 10 s taken), plus 2.1 scrape intervals until
 * Prometheus writes the stale markers that make the series vanish, plus one evaluation to see the
 * absence, plus {@code ceil(for / evaluation)} evaluations to hold it for the rule's {@code for:},
 * plus whatever the rule needs beyond absence ({@link #plus}). The reference cluster's 15 s scrape
 * and evaluation with {@code for: 1m} give about two minutes; the lab's 1 s scrape with a scaled
 * {@code for: 4s} about 17 s.
 *
 * <p>{@link #of} reads the rule's {@code for:} and its group's evaluation interval from
 * Prometheus, so each target gets its own bound.
 *
 * @param alert the alerting rule's name
 * @param scrape the scrape interval (S), e.g. {@link PrometheusProbes#scrapeInterval()}
 * @param evaluation the rule group's evaluation interval (E)
 * @param forDuration the rule's {@code for:} as loaded (F; the longest if several rules share the name)
 * @param extra time the rule needs on top of absence, e.g. to accumulate a burn ratio; zero if none
 * @param extraReason why {@code extra} is there, for the evidence; empty if none
 */
public record AlertFiringBound(String alert, Duration scrape, Duration evaluation, Duration forDuration,
                               Duration extra, String extraReason) {
  /** The upper end of the 5-10 s it takes service discovery to drop a deleted pod's target. */
  public static final Duration SERVICE_DISCOVERY_DELAY = Duration.ofSeconds(10);

  public AlertFiringBound {
    Objects.requireNonNull(alert, "alert");
    Objects.requireNonNull(scrape, "scrape");
    Objects.requireNonNull(evaluation, "evaluation");
    Objects.requireNonNull(forDuration, "forDuration");
    Objects.requireNonNull(extra, "extra");
    extraReason = extraReason == null ? "" : extraReason;
  }

  /**
   * The bound of the alerting rule {@code alert} as {@code client}'s Prometheus has it loaded.
   *
   * @throws ProbeException when no alerting rule of that name is loaded
   */
  public static AlertFiringBound of(PrometheusClient client, String alert, Duration scrape) {
    List<RuleGroup> groups = client.rules().stream()
        .filter(g -> g.rules().stream().anyMatch(r -> r.alerting() && r.name().equals(alert))).toList();
    if (groups.isEmpty()) {
      throw new ProbeException("No alerting rule named '" + alert + "' is loaded in Prometheus at " + client.url()
          + "; load the rule file that defines it (the repository's rules/ directory holds the project's rules)");
    }
    Duration evaluation = groups.stream().map(RuleGroup::interval).max(Duration::compareTo).orElseThrow();
    Duration forDuration = groups.stream().flatMap(g -> g.rules().stream())
        .filter(r -> r.alerting() && r.name().equals(alert)).map(Rule::forDuration)
        .max(Duration::compareTo).orElseThrow();
    return new AlertFiringBound(alert, scrape, evaluation, forDuration, Duration.ZERO, "");
  }

  /**
   * When a deleted pod's series are gone from instant queries at the latest: the service-discovery
   * delay plus 2.1 scrape intervals (the stale markers).
   */
  public static Duration seriesGoneWithin(Duration scrape) {
    return SERVICE_DISCOVERY_DELAY.plusMillis(Math.round(2.1 * scrape.toMillis()));
  }

  /** This bound plus {@code more}, for the reason given (e.g. "the watch's poll"). */
  public AlertFiringBound plus(Duration more, String reason) {
    return new AlertFiringBound(alert, scrape, evaluation, forDuration, extra.plus(more),
        extraReason.isEmpty() ? reason : extraReason + "; " + reason);
  }

  /** The bound itself. */
  public Duration total() {
    long evaluations = evaluation.isZero() ? 0
        : (forDuration.toMillis() + evaluation.toMillis() - 1) / evaluation.toMillis();
    return seriesGoneWithin(scrape).plus(evaluation).plus(evaluation.multipliedBy(evaluations)).plus(extra);
  }

  /** The formula with its numbers, e.g. {@code 10 s SD + 2.1 x 1 s scrape + ... = 17.1 s}. */
  public String formula() {
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
