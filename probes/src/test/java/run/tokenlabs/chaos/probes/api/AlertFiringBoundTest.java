package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static run.tokenlabs.chaos.probes.api.StubPrometheus.alerting;
import static run.tokenlabs.chaos.probes.api.StubPrometheus.group;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ProbeException;

/** The firing bound: SD delay + 2.1 S + E + ceil(F / E) E, plus what a rule needs beyond absence. */
class AlertFiringBoundTest {

  @Test
  @DisplayName("the reference cluster's 15 s scrape and for: 1m give about 2 minutes")
  void referenceCluster() {
    AlertFiringBound bound = new AlertFiringBound("X", Duration.ofSeconds(15), Duration.ofSeconds(15),
        Duration.ofMinutes(1), Duration.ZERO, "");

    assertThat(bound.total()).isEqualTo(Duration.ofMillis(10_000 + 31_500 + 15_000 + 60_000));
    assertThat(bound.formula()).isEqualTo(
        "10 s SD + 2.1 x 15 s scrape + 15 s evaluation + ceil(60 s for / 15 s) x 15 s = 116.5 s");
  }

  @Test
  @DisplayName("the lab's 1 s scrape and scaled for: 4s give 17.1 s; a for: between evaluations rounds up")
  void labAndRounding() {
    assertThat(new AlertFiringBound("X", Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(4),
        Duration.ZERO, "").total()).isEqualTo(Duration.ofMillis(17_100));
    assertThat(new AlertFiringBound("X", Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ZERO, "").total()).isEqualTo(Duration.ofMillis(10_000 + 4_200 + 2_000 + 6_000));
  }

  @Test
  @DisplayName("plus() adds time and says why")
  void plus() {
    AlertFiringBound bound = new AlertFiringBound("X", Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofSeconds(8), Duration.ZERO, "").plus(Duration.ofMillis(1500), "burn").plus(Duration.ofMillis(250),
        "poll");

    assertThat(bound.total()).isEqualTo(Duration.ofMillis(21_100 + 1_750));
    assertThat(bound.formula()).contains("+ 1.8 s (burn; poll) = 22.9 s");
  }

  @Test
  @DisplayName("a deleted pod's series are gone within SD delay + 2.1 scrapes")
  void seriesGone() {
    assertThat(AlertFiringBound.seriesGoneWithin(Duration.ofSeconds(15))).isEqualTo(Duration.ofMillis(41_500));
    assertThat(AlertFiringBound.seriesGoneWithin(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(12_100));
  }

  @Test
  @DisplayName("of() reads the rule's longest for: and its group's interval from Prometheus")
  void readsLoadedRule() {
    StubPrometheus prometheus = new StubPrometheus().rules(
        group("a", 1, alerting("TokenLabsPodAbsent", 4, AlertState.INACTIVE),
            alerting("TokenLabsPodAbsent", 6, AlertState.INACTIVE), alerting("Other", 60, AlertState.INACTIVE)),
        group("b", 30, alerting("Other", 60, AlertState.INACTIVE)));

    AlertFiringBound bound = AlertFiringBound.of(prometheus, "TokenLabsPodAbsent", Duration.ofSeconds(1));

    assertThat(bound.evaluation()).isEqualTo(Duration.ofSeconds(1));
    assertThat(bound.forDuration()).isEqualTo(Duration.ofSeconds(6));
    assertThat(bound.extra()).isZero();
  }

  @Test
  @DisplayName("of() names a rule that is not loaded, and where")
  void missingRule() {
    StubPrometheus prometheus = new StubPrometheus().rules(group("a", 1, alerting("Y", 4, AlertState.INACTIVE)));

    assertThatThrownBy(() -> AlertFiringBound.of(prometheus, "TokenLabsPodAbsent", Duration.ofSeconds(1)))
        .isInstanceOf(ProbeException.class).hasMessageContaining("No alerting rule named 'TokenLabsPodAbsent'")
        .hasMessageContaining("http://prometheus.test:9090");
  }
}
