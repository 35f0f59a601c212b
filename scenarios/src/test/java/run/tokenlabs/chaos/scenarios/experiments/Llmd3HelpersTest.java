package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.load.api.InterChunkGaps;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.probes.api.Alert;
import run.tokenlabs.chaos.probes.api.AlertState;
import run.tokenlabs.chaos.probes.api.BuildInfo;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.Rule;
import run.tokenlabs.chaos.probes.api.RuleGroup;
import run.tokenlabs.chaos.probes.api.ScrapeTarget;

/** The arithmetic and bookkeeping behind the LLMD-3 experiments, without a lab. */
class Llmd3HelpersTest {

  @Nested
  @DisplayName("AlertFiringBound (FACTS: SD delay + 2.1 S + E + ceil(F/E) E)")
  class FiringBound {

    @Test
    @DisplayName("the reference cluster's 15 s scrape and for: 1m give FACTS' 'about 2 minutes'")
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
    @DisplayName("of() reads the rule's longest for: and its group's interval from Prometheus")
    void readsLoadedRule() {
      PrometheusClient client = rules(
          new RuleGroup("a", "a.yml", Duration.ofSeconds(1), List.of(alerting("TokenLabsPodAbsent", 4),
              alerting("TokenLabsPodAbsent", 6), alerting("Other", 60))),
          new RuleGroup("b", "b.yml", Duration.ofSeconds(30), List.of(alerting("Other", 60))));

      AlertFiringBound bound = AlertFiringBound.of(client, "TokenLabsPodAbsent", Duration.ofSeconds(1));

      assertThat(bound.evaluation()).isEqualTo(Duration.ofSeconds(1));
      assertThat(bound.forDuration()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    @DisplayName("of() names a rule that is not loaded")
    void missingRule() {
      PrometheusClient client = rules(new RuleGroup("a", "a.yml", Duration.ofSeconds(1), List.of(alerting("Y", 4))));

      assertThatThrownBy(() -> AlertFiringBound.of(client, "TokenLabsPodAbsent", Duration.ofSeconds(1)))
          .isInstanceOf(ProbeException.class).hasMessageContaining("No alerting rule named 'TokenLabsPodAbsent'");
    }
  }

  @Nested
  @DisplayName("OutageLedger")
  class Ledger {
    private static final long ORIGIN = 1_000_000_000L;
    private static final long DELETED = ORIGIN + 2_000_000_000L;
    private static final long OUTAGE = ORIGIN + 3_000_000_000L;

    @Test
    @DisplayName("requests ended before the deletion are 'before', sent from the outage start 'outage', others between")
    void splitsByTime() {
      RequestRecord early = record(1, 0.1, 0.2, 200);
      RequestRecord inFlight = record(2, 1.9, 2.1, 200);
      RequestRecord routedLate = record(3, 2.5, 2.5, 503);
      RequestRecord outage1 = record(4, 3.0, 3.0, 503);
      RequestRecord outage2 = record(5, 4.0, 4.0, 503);

      OutageLedger ledger = OutageLedger.split(List.of(early, inFlight, routedLate, outage1, outage2), ORIGIN, DELETED,
          OUTAGE);

      assertThat(ledger.before()).containsExactly(early);
      assertThat(ledger.transition()).containsExactly(inFlight, routedLate);
      assertThat(ledger.outage()).containsExactly(outage1, outage2);
      assertThat(ledger.outage5xxRatio()).isEqualTo(1.0);
      assertThat(ledger.describe()).contains("outage: n=2, outcomes {HTTP_ERROR=2}, HTTP status {503=2}");
    }

    @Test
    @DisplayName("one answer served during the outage makes the 5xx ratio fall short of 100%; none is NaN")
    void ratio() {
      OutageLedger ledger = OutageLedger.split(List.of(record(1, 3.5, 3.6, 503), record(2, 3.6, 3.7, 200)), ORIGIN,
          DELETED, OUTAGE);

      assertThat(ledger.outage5xxRatio()).isEqualTo(0.5);
      assertThat(OutageLedger.split(List.of(), ORIGIN, DELETED, OUTAGE).outage5xxRatio()).isNaN();
    }

    private RequestRecord record(long id, double sentSeconds, double endSeconds, int status) {
      long sent = (long) (sentSeconds * 1e9);
      long end = (long) (endSeconds * 1e9);
      boolean ok = status == 200;
      return new RequestRecord(id, "short", 4, false, sent, sent, sent, ok ? end : -1, ok ? end : -1, ok ? end : -1,
          end, InterChunkGaps.of(new int[0], 0), ok ? 4 : 0, ok ? 4 : 0, ok ? "length" : null, null, ok, status,
          ok ? Outcome.COMPLETE : Outcome.HTTP_ERROR, Set.of(), ok ? null : "HTTP " + status,
          ok ? null : "no healthy upstream");
    }
  }

  @Nested
  @DisplayName("NaiveRules")
  class Rules {
    private final Path rulesDir = Path.of("..", "rules");

    @Test
    @DisplayName("reads the naive LLMD-3 rules as written in rules/tests/naive-llmd3.rules.yml")
    void naiveFile() {
      List<NaiveRules.AlertRule> rules = NaiveRules.alerts(rulesDir.resolve(NaiveRules.NAIVE_FILE));

      assertThat(rules).extracting(NaiveRules.AlertRule::alert)
          .containsExactly("NaiveModelTargetDown", "NaiveVLLMRequestFailures");
      assertThat(rules.get(0).expr()).isEqualTo("up{job=\"deepseek-r1-7b\"} == 0");
      assertThat(rules).allSatisfy(r -> assertThat(r.forDuration()).isEqualTo(Duration.ofMinutes(1)));
    }

    @Test
    @DisplayName("reads the rules of a PrometheusRule manifest (spec.groups)")
    void manifest() {
      List<NaiveRules.AlertRule> rules = NaiveRules.alerts(rulesDir.resolve(NaiveRules.AVAILABILITY_FILE));

      assertThat(rules).extracting(NaiveRules.AlertRule::alert)
          .contains("TokenLabsPodAbsent", "VLLMMetricsAbsent", "TokenLabsServiceNoEndpoints", "SLOBurnRateGatewayLayer");
      assertThat(rules).filteredOn(r -> r.alert().equals("SLOBurnRateGatewayLayer"))
          .extracting(NaiveRules.AlertRule::forDuration).containsExactly(Duration.ofMinutes(2));
    }

    @Test
    @DisplayName("a file with no alerting rule is an error naming the file")
    void noAlerts(@TempDir Path dir) throws Exception {
      Path file = Files.writeString(dir.resolve("empty.yml"), "groups:\n  - name: g\n    rules:\n      - record: x\n"
          + "        expr: up\n");

      assertThatThrownBy(() -> NaiveRules.alerts(file)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(file.toString()).hasMessageContaining("no alerting rule");
    }
  }

  private static Rule alerting(String name, long forSeconds) {
    return new Rule(name, true, "vector(1)", AlertState.INACTIVE, Duration.ofSeconds(forSeconds), Map.of(), "ok", "",
        Optional.empty(), List.of());
  }

  /** A Prometheus that only answers {@code /api/v1/rules}. */
  private static PrometheusClient rules(RuleGroup... groups) {
    return new PrometheusClient() {
      @Override
      public String url() {
        return "http://prometheus.test:9090";
      }

      @Override
      public List<RuleGroup> rules() {
        return List.of(groups);
      }

      @Override
      public QueryResult query(String promql) {
        throw new UnsupportedOperationException(promql);
      }

      @Override
      public QueryResult query(String promql, Instant time) {
        throw new UnsupportedOperationException(promql);
      }

      @Override
      public QueryResult.Matrix queryRange(String promql, Instant start, Instant end, Duration step) {
        throw new UnsupportedOperationException(promql);
      }

      @Override
      public List<Alert> alerts() {
        throw new UnsupportedOperationException("alerts");
      }

      @Override
      public List<ScrapeTarget> targets() {
        throw new UnsupportedOperationException("targets");
      }

      @Override
      public BuildInfo buildInfo() {
        throw new UnsupportedOperationException("buildInfo");
      }
    };
  }
}
