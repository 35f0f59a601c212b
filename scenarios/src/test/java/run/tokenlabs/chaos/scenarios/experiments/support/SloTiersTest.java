package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.scenarios.experiments.support.SloTiers.Tier;

/** The SLO-2 tiers the SLO-1 baseline is held against. */
class SloTiersTest {
  private final List<Tier> tiers = List.of(
      new Tier(1, "Dev", 0.995, Optional.empty()),
      new Tier(2, "Interactive", 0.999, Optional.of(Duration.ofSeconds(30))),
      new Tier(3, "Prod", 0.9995, Optional.of(Duration.ofSeconds(15))));

  @Test
  @DisplayName("the highest tier met on both availability and TTFT p95; a tier without a TTFT target asks only availability")
  void achieved() {
    assertThat(SloTiers.achievedTier(tiers, 1.0, 10)).isEqualTo(3);
    assertThat(SloTiers.achievedTier(tiers, 1.0, 20)).isEqualTo(2);
    assertThat(SloTiers.achievedTier(tiers, 1.0, 67.5)).as("bucket B on gb10").isEqualTo(1);
    assertThat(SloTiers.achievedTier(tiers, 0.9992, 10)).as("availability caps it").isEqualTo(2);
    assertThat(SloTiers.achievedTier(tiers, 0.99, 10)).as("below Tier 1's availability").isZero();
  }

  @Test
  @DisplayName("tiers nest: missing Tier 2 is below Tier 3 even if Tier 3's own targets were met")
  void nested() {
    List<Tier> odd = List.of(tiers.get(0), new Tier(2, "Interactive", 0.999, Optional.of(Duration.ofSeconds(5))),
        tiers.get(2));
    assertThat(SloTiers.achievedTier(odd, 1.0, 10)).isEqualTo(1);
  }

  @Test
  @DisplayName("default targets: Tier 2 at 30 s, Tier 1 none, Tier 3 as Tier 2")
  void defaults() {
    assertThat(SloTiers.tiers()).extracting(Tier::ttftP95)
        .containsExactly(Optional.empty(), Optional.of(Duration.ofSeconds(30)), Optional.of(Duration.ofSeconds(30)));
    assertThat(SloTiers.tiers()).extracting(Tier::availability).containsExactly(0.995, 0.999, 0.9995);
  }

  @Test
  @DisplayName("a TTFT target property: a Prometheus duration or none; anything else is an error naming it")
  void targetProperties() {
    try {
      System.setProperty(SloTiers.TIER2_PROPERTY, "1m30s");
      System.setProperty(SloTiers.TIER3_PROPERTY, "none");
      assertThat(SloTiers.tiers()).extracting(Tier::ttftP95)
          .containsExactly(Optional.empty(), Optional.of(Duration.ofSeconds(90)), Optional.empty());

      for (String bad : List.of("thirty", "30 s", "0s")) {
        System.setProperty(SloTiers.TIER2_PROPERTY, bad);
        assertThatThrownBy(SloTiers::tiers).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("System property " + SloTiers.TIER2_PROPERTY + "='" + bad + "' is not a duration; give e.g. "
                + "30s, 1m or 1m30s, or none");
      }
    } finally {
      System.clearProperty(SloTiers.TIER2_PROPERTY);
      System.clearProperty(SloTiers.TIER3_PROPERTY);
    }
  }
}
