package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static run.tokenlabs.chaos.probes.api.ScriptedPrometheus.rules;
import static run.tokenlabs.chaos.probes.api.StubPrometheus.alerting;
import static run.tokenlabs.chaos.probes.api.StubPrometheus.group;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ProbeException;

class FiringWatchTest {
  private static final Duration POLL = Duration.ofMillis(20);

  /** A bound whose time since {@code since} has all but run out, so a test never waits the full 10 s SD delay. */
  private static Instant sinceWithLeft(AlertFiringBound bound, Duration left) {
    return Instant.now().minus(bound.total()).plus(left);
  }

  private static AlertFiringBound bound(String alert) {
    return new AlertFiringBound(alert, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ZERO, "");
  }

  @Test
  @DisplayName("awaitFiring: pending and firing are timed from the given instant, pending before firing")
  void pendingThenFiring() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(rules("inactive")).then(rules("pending")).then(rules("pending")).then(rules("firing"));
      Instant fault = Instant.now().minusSeconds(5);

      AlertFiring fired = PrometheusProbes.using(prometheus.client()).pollingEvery(POLL).alert("TokenLabsPodAbsent")
          .awaitFiring(fault, Duration.ofSeconds(30));

      assertThat(fired.alert()).isEqualTo("TokenLabsPodAbsent");
      assertThat(fired.pendingAfter()).hasValueSatisfying(p -> assertThat(p)
          .isGreaterThanOrEqualTo(Duration.ofSeconds(5)).isLessThanOrEqualTo(fired.firingAfter()));
      assertThat(fired.toString()).startsWith("TokenLabsPodAbsent: pending after ").contains(", firing after ");
    }
  }

  @Test
  @DisplayName("several alerts watched at once: each one's times, pending not seen when it fired at once")
  void severalAlerts() {
    StubPrometheus prometheus = new StubPrometheus().rules(group("availability", 1,
        alerting("TokenLabsPodAbsent", 4, AlertState.FIRING), alerting("VLLMMetricsAbsent", 4, AlertState.FIRING)));
    List<AlertFiringBound> bounds = List.of(bound("TokenLabsPodAbsent"), bound("VLLMMetricsAbsent"));

    try (FiringWatch watch = PrometheusProbes.using(prometheus).pollingEvery(POLL).watchFiring(Instant.now(), bounds)) {
      assertThat(watch.await("VLLMMetricsAbsent").alert()).isEqualTo("VLLMMetricsAbsent");
      AlertFiring podAbsent = watch.await("TokenLabsPodAbsent");

      assertThat(podAbsent.pendingAfter()).isEmpty();
      assertThat(podAbsent.firingAfter()).isGreaterThanOrEqualTo(Duration.ZERO);
      assertThat(podAbsent.toString()).contains("not seen pending");
    }
  }

  @Test
  @DisplayName("an alert that does not fire within its bound: AssertionError with the states seen and the formula")
  void missedBound() {
    StubPrometheus prometheus = new StubPrometheus().rules(group("availability", 1,
        alerting("TokenLabsPodAbsent", 4, AlertState.FIRING), alerting("NeverFires", 1, AlertState.PENDING)));
    AlertFiringBound never = bound("NeverFires");

    try (FiringWatch watch = PrometheusProbes.using(prometheus).pollingEvery(POLL)
        .watchFiring(sinceWithLeft(never, Duration.ofMillis(200)), List.of(bound("TokenLabsPodAbsent"), never))) {
      assertThat(watch.await("TokenLabsPodAbsent").firingAfter()).isPositive();
      assertThatThrownBy(() -> watch.await("NeverFires")).isInstanceOf(AssertionError.class)
          .hasMessageMatching("Alert 'NeverFires' did not fire within 14.1 s; states seen: pending \\d\\d:\\d\\d:\\d\\d; "
              + "rule for: 1 s \\(bound 10 s SD \\+ 2.1 x 1 s scrape \\+ 1 s evaluation \\+ ceil\\(1 s for / 1 s\\) x 1 s "
              + "= 14.1 s\\)");
    }
  }

  @Test
  @DisplayName("a rule that is not loaded is an ERROR from the watch; an alert not watched is a usage error")
  void errors() {
    StubPrometheus prometheus = new StubPrometheus().rules(group("availability", 1,
        alerting("TokenLabsPodAbsent", 4, AlertState.INACTIVE)));

    try (FiringWatch watch = PrometheusProbes.using(prometheus).pollingEvery(POLL)
        .watchFiring(Instant.now(), List.of(bound("NoSuchAlert")))) {
      assertThatThrownBy(() -> watch.await("NoSuchAlert")).isInstanceOf(ProbeException.class)
          .hasMessageContaining("No alerting rule named 'NoSuchAlert'").hasMessageContaining("TokenLabsPodAbsent");
      assertThatThrownBy(() -> watch.await("TokenLabsPodAbsent")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not watched; watched: [NoSuchAlert]");
    }
  }
}
