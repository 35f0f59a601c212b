package run.tokenlabs.chaos.probes.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;

/**
 * One alerting rule watched through {@code /api/v1/rules}: its state as a probe, and the awaiting
 * helpers {@link #shouldFireWithin(Duration)} and {@link #awaitFiring(Instant, Duration)} (with the
 * times it was first seen pending and firing). Several rules at once: {@link FiringWatch}.
 *
 * <p>The rules endpoint is used rather than {@code /api/v1/alerts} because it also reports
 * {@code inactive} and the rule's {@code for:}, which the failure message needs. Rules of the same
 * name in several groups count together: the most advanced state wins.
 */
public final class AlertWatch {
  private final PrometheusClient client;
  private final String alertName;
  private final Clock clock;
  private final Duration pollInterval;

  AlertWatch(PrometheusClient client, String alertName, Clock clock, Duration pollInterval) {
    this.client = client;
    this.alertName = Objects.requireNonNull(alertName, "alertName");
    this.clock = clock;
    this.pollInterval = pollInterval;
  }

  /** The rule's state now ({@code inactive}, {@code pending}, {@code firing}). */
  public Probe<AlertState> state() {
    return Probe.of("alert " + alertName + " state", () -> Reading.of(snapshot().state()));
  }

  /**
   * Waits until the alert fires, polling the rules.
   *
   * @return how long it took from this call until firing was observed
   * @throws AssertionError (a DEVIATED verdict) when it did not fire in time, with the states seen
   * @throws ProbeException when Prometheus could not be asked or has no rule of that name
   */
  public Duration shouldFireWithin(Duration atMost) {
    return awaitFiring(clock.instant(), atMost).firingAfter();
  }

  /**
   * Waits until the alert fires, at the latest {@code within} after {@code since} (typically the
   * fault, which may lie in the past: a watch started late still polls at least once), and says
   * when it was first seen pending and firing, both counted from {@code since}.
   *
   * @throws AssertionError (a DEVIATED verdict) when it did not fire in time, with the states seen
   * @throws ProbeException when Prometheus could not be asked or has no rule of that name
   */
  public AlertFiring awaitFiring(Instant since, Duration within) {
    Duration left = within.minus(Duration.between(since, clock.instant()));
    Duration atMost = left.compareTo(pollInterval) < 0 ? pollInterval : left;
    Timeline timeline = new Timeline(clock);
    boolean fired = Awaiting.reading("alert '" + alertName + "' fires", () -> timeline.observe(snapshot()))
        .atMost(atMost).pollEvery(pollInterval)
        .untilOrEmpty(state -> state == AlertState.FIRING).isPresent();
    if (!fired) {
      throw new AssertionError("Alert '" + alertName + "' did not fire within " + Progression.human(within)
          + "; states seen: " + timeline.progression + timeline.ruleNote());
    }
    return new AlertFiring(alertName, timeline.pendingAt().map(p -> Duration.between(since, p)),
        Duration.between(since, clock.instant()));
  }

  private RuleSnapshot snapshot() {
    List<Rule> alerting = client.rules().stream().flatMap(g -> g.rules().stream()).filter(Rule::alerting).toList();
    List<Rule> rules = alerting.stream().filter(r -> r.name().equals(alertName)).toList();
    if (rules.isEmpty()) {
      List<String> loaded = alerting.stream().map(Rule::name).distinct().sorted().toList();
      throw new ProbeException("No alerting rule named '" + alertName + "' is loaded in Prometheus at " + client.url()
          + " (alerting rules loaded: " + (loaded.isEmpty() ? "none" : String.join(", ", loaded))
          + "); load its rule file or fix the name");
    }
    AlertState state = rules.stream().map(Rule::state).max(Comparator.naturalOrder()).orElseThrow();
    Duration forDuration = rules.stream().map(Rule::forDuration).max(Comparator.naturalOrder()).orElseThrow();
    String errors = rules.stream().filter(r -> !r.lastError().isEmpty()).map(Rule::lastError).findFirst().orElse("");
    return new RuleSnapshot(state, forDuration, errors);
  }

  private record RuleSnapshot(AlertState state, Duration forDuration, String lastError) {
    String healthNote() {
      return lastError.isEmpty() ? "" : "; rule evaluation error: " + lastError;
    }
  }

  /** What one wait saw: the states in order, when pending was first seen, and the last rule read. */
  private static final class Timeline {
    private final Clock clock;
    private final Progression progression;
    private volatile Instant pendingAt;
    private volatile RuleSnapshot last;

    Timeline(Clock clock) {
      this.clock = clock;
      this.progression = new Progression(clock);
    }

    AlertState observe(RuleSnapshot snapshot) {
      last = snapshot;
      progression.observe(snapshot.state().toString(), "");
      if (snapshot.state() == AlertState.PENDING && pendingAt == null) {
        pendingAt = clock.instant();
      }
      return snapshot.state();
    }

    Optional<Instant> pendingAt() {
      return Optional.ofNullable(pendingAt);
    }

    String ruleNote() {
      RuleSnapshot snapshot = last;
      return snapshot == null ? "" : "; rule for: " + Progression.human(snapshot.forDuration()) + snapshot.healthNote();
    }
  }
}
