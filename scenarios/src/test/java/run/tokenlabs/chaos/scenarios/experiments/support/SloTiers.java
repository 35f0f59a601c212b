package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import run.tokenlabs.chaos.probes.api.PromDuration;

/**
 * The three tiers of the reference run's SLO-2 (Dev 99.5%, Interactive 99.9%, Prod 99.95%), nested:
 * each asks at least what the one below asks. Their TTFT p95 targets (first content token, GPU time)
 * are system properties ({@value #TIER1_PROPERTY}, {@value #TIER2_PROPERTY}, {@value #TIER3_PROPERTY};
 * e.g. {@code 30s}, {@code 1m}, or {@code none}). The reference run states only Tier 2's (30 s); by
 * default Tier 1 has none (it is defined by its availability) and Tier 3 keeps Tier 2's.
 */
public final class SloTiers {
  /** System property: Tier 1 (Dev) TTFT p95 target (first content token, GPU time); none by default. */
  public static final String TIER1_PROPERTY = "tokenlabs.slo.tier1.ttftP95";
  /** System property: Tier 2 (Interactive) TTFT p95 target; 30 s by default (the reference run's). */
  public static final String TIER2_PROPERTY = "tokenlabs.slo.tier2.ttftP95";
  /** System property: Tier 3 (Prod) TTFT p95 target; 30 s by default (as Tier 2, with more availability). */
  public static final String TIER3_PROPERTY = "tokenlabs.slo.tier3.ttftP95";

  private SloTiers() {
  }

  /**
   * A tier of SLO-2: an availability target and maybe a TTFT p95 target (first content token, GPU time).
   *
   * @param number 1, 2 or 3
   * @param name Dev, Interactive or Prod
   * @param availability complete / scheduled it asks for
   * @param ttftP95 the TTFT p95 it asks for, if any
   */
  public record Tier(int number, String name, double availability, Optional<Duration> ttftP95) {
    /** {@code Tier 2 (Interactive)}. */
    public String label() {
      return "Tier " + number + " (" + name + ")";
    }

    public boolean metBy(double availabilityMeasured, double ttftP95Seconds) {
      return availabilityMeasured >= availability
          && ttftP95.map(t -> ttftP95Seconds <= t.toMillis() / 1000.0).orElse(true);
    }

    /** {@code availability 99.90%, TTFT p95 <= 30 s}. */
    public String target() {
      return String.format(Locale.ROOT, "availability %.2f%%, TTFT p95 %s", 100 * availability,
          ttftP95.map(t -> "<= " + seconds(t) + " s").orElse("not set"));
    }
  }

  /** The SLO-2 tiers, TTFT targets from the system properties. */
  public static List<Tier> tiers() {
    return List.of(
        new Tier(1, "Dev", 0.995, duration(TIER1_PROPERTY, Optional.empty())),
        new Tier(2, "Interactive", 0.999, duration(TIER2_PROPERTY, Optional.of(Duration.ofSeconds(30)))),
        new Tier(3, "Prod", 0.9995, duration(TIER3_PROPERTY, Optional.of(Duration.ofSeconds(30)))));
  }

  /** The highest tier met on both availability and TTFT p95 (0: none); a tier missed caps all above it. */
  public static int achievedTier(List<Tier> tiers, double availability, double ttftP95Seconds) {
    int achieved = 0;
    for (Tier t : tiers) {
      if (!t.metBy(availability, ttftP95Seconds)) {
        break;
      }
      achieved = t.number();
    }
    return achieved;
  }

  /** The tiers and their targets, one per line. */
  public static String table(List<Tier> tiers) {
    StringBuilder out = new StringBuilder("SLO-2 tiers (TTFT = first content token, p95, GPU time):\n");
    tiers.forEach(t -> out.append("  ").append(t.label()).append(": ").append(t.target()).append('\n'));
    return out.toString();
  }

  /** {@code 30} or {@code 1.5}: seconds as the tier texts show them. */
  public static String seconds(Duration d) {
    return PromEvidence.format(d.toMillis() / 1000.0);
  }

  private static Optional<Duration> duration(String property, Optional<Duration> fallback) {
    String text = System.getProperty(property);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    if (text.strip().equals("none")) {
      return Optional.empty();
    }
    try {
      Duration d = PromDuration.parse(text.strip());
      if (!d.isZero()) {
        return Optional.of(d);
      }
    } catch (IllegalArgumentException e) {
      // reported below with the accepted forms
    }
    throw new IllegalArgumentException("System property " + property + "='" + text + "' is not a duration; give "
        + "e.g. 30s, 1m or 1m30s, or none");
  }
}
