package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static run.tokenlabs.chaos.probes.api.ScriptedPrometheus.rules;
import static run.tokenlabs.chaos.probes.api.ScriptedPrometheus.sample;
import static run.tokenlabs.chaos.probes.api.ScriptedPrometheus.vector;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.Tolerance;

class PrometheusProbesTest {

  @Test
  @DisplayName("NaN, +Inf and -Inf values are parsed, not rejected and not zeroed")
  void specialValues() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(vector(sample("{\"s\":\"a\"}", "NaN"), sample("{\"s\":\"b\"}", "+Inf"), sample("{\"s\":\"c\"}", "-Inf")));

      QueryResult.Vector result = (QueryResult.Vector) prometheus.client().query("x");

      assertThat(result.samples()).extracting(Sample::value)
          .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
      assertThat(result.samples().get(0).time()).isEqualTo(Instant.ofEpochMilli(1700000000250L));
      assertThat(result.samples().get(1).labels()).isEqualTo(Map.of("s", "b"));
    }
  }

  @Test
  @DisplayName("instant(): an empty vector is no data, and no data never passes atMost(..)")
  void emptyVectorIsNoData() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(vector());
      PrometheusProbes probes = PrometheusProbes.using(prometheus.client());

      Reading<Double> reading = probes.instant("gateway:error_ratio:rate1m").read();

      assertThat(reading.hasValue()).isFalse();
      assertThat(reading.noDataReason()).hasValueSatisfying(r -> assertThat(r).contains("empty vector"));
      assertThat(Tolerance.atMost(0.001).accepts(reading, null)).isFalse();
      assertThat(Tolerance.absent().accepts(reading, null)).isTrue();
    }
  }

  @Test
  void instantReadsOneSeriesOrScalarAndRefusesSeveral() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(vector(sample("{}", "0.0005")))
          .then("{\"resultType\":\"scalar\",\"result\":[1700000000,\"2\"]}")
          .then(vector(sample("{\"pod\":\"a\"}", "1"), sample("{\"pod\":\"b\"}", "0")));
      PrometheusProbes probes = PrometheusProbes.using(prometheus.client());

      assertThat(probes.instant("q").read().value()).contains(0.0005);
      assertThat(probes.instant("q").read().value()).contains(2.0);
      assertThatThrownBy(() -> probes.instant("up").read())
          .isInstanceOf(ProbeException.class)
          .hasMessageContaining("`up` returned 2 series").hasMessageContaining("aggregate it");
      assertThat(probes.instant("q").name()).isEqualTo("promql: q");
    }
  }

  @Test
  void rangeQueryIsAMatrixWithGapsKept() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"job\":\"vllm\"},"
          + "\"values\":[[1700000000,\"1\"],[1700000001,\"NaN\"],[1700000004,\"3\"]]}]}");

      QueryResult.Matrix matrix = prometheus.client().queryRange("x", Instant.ofEpochSecond(1700000000),
          Instant.ofEpochSecond(1700000004), Duration.ofSeconds(1));

      assertThat(matrix.series()).singleElement().satisfies(series -> {
        assertThat(series.labels()).containsEntry("job", "vllm");
        assertThat(series.points()).extracting(Point::value).containsExactly(1.0, Double.NaN, 3.0);
        assertThat(series.points()).extracting(p -> p.time().getEpochSecond())
            .containsExactly(1700000000L, 1700000001L, 1700000004L);
      });
      assertThat(prometheus.requests.get(0))
          .isEqualTo("/api/v1/query_range query=x&start=1700000000&end=1700000004&step=1");
    }
  }

  @Test
  void rulesAlertsTargetsAreTyped() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(rules("pending"))
          .then("{\"alerts\":[{\"labels\":{\"alertname\":\"TokenLabsPodAbsent\",\"severity\":\"page\"},"
              + "\"annotations\":{\"summary\":\"pod gone\"},\"state\":\"firing\",\"activeAt\":\"2026-11-28T12:00:31Z\","
              + "\"value\":\"1e+00\"}]}")
          .then("{\"activeTargets\":[{\"discoveredLabels\":{},\"labels\":{\"job\":\"vllm\",\"instance\":\"10.0.0.1:8000\"},"
              + "\"scrapePool\":\"vllm\",\"scrapeUrl\":\"http://10.0.0.1:8000/metrics\",\"globalUrl\":\"\","
              + "\"lastError\":\"connection refused\",\"lastScrape\":\"2026-11-28T12:00:00.5+01:00\","
              + "\"lastScrapeDuration\":0.001,\"health\":\"down\",\"scrapeInterval\":\"1s\",\"scrapeTimeout\":\"1s\"}],"
              + "\"droppedTargets\":[]}");
      PrometheusClient client = prometheus.client();

      List<RuleGroup> groups = client.rules();
      Rule alerting = groups.get(0).rules().get(0);
      assertThat(alerting.alerting()).isTrue();
      assertThat(alerting.state()).isEqualTo(AlertState.PENDING);
      assertThat(alerting.forDuration()).isEqualTo(Duration.ofSeconds(60));
      assertThat(alerting.lastEvaluation()).contains(Instant.parse("2026-11-28T12:00:01.123456789Z"));
      Rule recording = groups.get(0).rules().get(1);
      assertThat(recording.alerting()).isFalse();
      assertThat(recording.lastEvaluation()).isEmpty();

      Alert alert = client.alerts().get(0);
      assertThat(alert.name()).isEqualTo("TokenLabsPodAbsent");
      assertThat(alert.state()).isEqualTo(AlertState.FIRING);
      assertThat(alert.value()).isEqualTo(1.0);
      assertThat(alert.activeAt()).contains(Instant.parse("2026-11-28T12:00:31Z"));

      ScrapeTarget target = client.targets().get(0);
      assertThat(target.health()).isEqualTo("down");
      assertThat(target.lastError()).isEqualTo("connection refused");
      assertThat(target.lastScrape()).contains(Instant.parse("2026-11-28T11:00:00.5Z"));
    }
  }

  @Test
  @DisplayName("shouldFireWithin: returns once the rule is firing")
  void alertFires() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(rules("inactive")).then(rules("pending")).then(rules("firing"));
      PrometheusProbes probes = PrometheusProbes.using(prometheus.client()).pollingEvery(Duration.ofMillis(20));

      Duration took = probes.alert("TokenLabsPodAbsent").shouldFireWithin(Duration.ofSeconds(10));

      assertThat(took).isLessThan(Duration.ofSeconds(10));
      assertThat(prometheus.requests).hasSize(3);
    }
  }

  @Test
  @DisplayName("shouldFireWithin: AssertionError with the states seen and the rule's for:")
  void alertDoesNotFire() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(rules("inactive")).then(rules("pending"));
      PrometheusProbes probes = PrometheusProbes.using(prometheus.client()).pollingEvery(Duration.ofMillis(20));

      assertThatThrownBy(() -> probes.alert("TokenLabsPodAbsent").shouldFireWithin(Duration.ofMillis(300)))
          .isInstanceOf(AssertionError.class)
          .hasMessageMatching("Alert 'TokenLabsPodAbsent' did not fire within 300 ms; states seen: "
              + "inactive \\d\\d:\\d\\d:\\d\\d -> pending \\d\\d:\\d\\d:\\d\\d; rule for: 60 s");
    }
  }

  @Test
  @DisplayName("an alert name that no rule has is an ERROR naming the rules that exist")
  void unknownAlert() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(rules("inactive"));
      PrometheusProbes probes = PrometheusProbes.using(prometheus.client());

      assertThatThrownBy(() -> probes.alert("PodGone").shouldFireWithin(Duration.ofSeconds(1)))
          .isInstanceOf(ProbeException.class)
          .hasMessageContaining("No alerting rule named 'PodGone'")
          .hasMessageContaining("alerting rules loaded: TokenLabsPodAbsent");
      assertThat(probes.alert("TokenLabsPodAbsent").state().read().value()).contains(AlertState.INACTIVE);
    }
  }

  @Test
  @DisplayName("a series that vanishes does not count as dropping to zero, and the message says so")
  void vanishedIsNotZero() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(vector(sample("{\"pod\":\"a\"}", "5"))).then(vector());
      PrometheusProbes probes = PrometheusProbes.using(prometheus.client()).pollingEvery(Duration.ofMillis(20));

      assertThatThrownBy(() -> probes.series("vllm:num_requests_running").shouldDropToZeroWithin(Duration.ofMillis(300)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("did not drop to zero within 300 ms")
          .hasMessageMatching(".*non-zero \\(1 series, max 5\\) \\d\\d:\\d\\d:\\d\\d -> absent \\d\\d:\\d\\d:\\d\\d.*")
          .hasMessageContaining("vanished instead of reading 0");
    }
  }

  @Test
  void vanishAndDropToZeroSucceedOnTheirOwnState() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(vector(sample("{}", "5"))).then(vector());
      PrometheusProbes probes = PrometheusProbes.using(prometheus.client()).pollingEvery(Duration.ofMillis(20));
      probes.series("x").shouldVanishWithin(Duration.ofSeconds(5));
    }
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(vector(sample("{}", "5"))).then(vector(sample("{}", "0")));
      PrometheusProbes probes = PrometheusProbes.using(prometheus.client()).pollingEvery(Duration.ofMillis(20));
      probes.series("x").shouldDropToZeroWithin(Duration.ofSeconds(5));
      assertThat(prometheus.requests).hasSize(2);
    }
  }

  @Test
  void seriesStillPresentFailsToVanish() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(vector(sample("{}", "0")));
      PrometheusProbes probes = PrometheusProbes.using(prometheus.client()).pollingEvery(Duration.ofMillis(20));

      assertThatThrownBy(() -> probes.series("up{job=\"vllm\"}").shouldVanishWithin(Duration.ofMillis(200)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("`up{job=\"vllm\"}` did not vanish within 200 ms; states seen: zero (1 series, max 0)");
    }
  }

  @Test
  @DisplayName("awaitScrapedAfter: waits for a sample of every series at or after the instant, and returns its time")
  void scrapedAfter() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(vector()).then(vector(sample("{}", "1700000000"))).then(vector(sample("{}", "1700000010.5")));
      PrometheusProbes probes = PrometheusProbes.using(prometheus.client()).pollingEvery(Duration.ofMillis(20));

      Instant scraped = probes.series("vllm:kv_cache_usage_perc").awaitScrapedAfter(Instant.ofEpochSecond(1700000005),
          Duration.ofSeconds(10));

      assertThat(scraped).isEqualTo(Instant.ofEpochMilli(1700000010500L));
      assertThat(prometheus.requests).hasSize(3).allSatisfy(r -> assertThat(r).contains("timestamp"));
    }
  }

  @Test
  @DisplayName("awaitScrapedAfter: no newer scrape in time is an AssertionError with the last sample time seen")
  void notScrapedAfter() throws Exception {
    try (ScriptedPrometheus prometheus = new ScriptedPrometheus()) {
      prometheus.then(vector(sample("{}", "1700000000")));
      PrometheusProbes probes = PrometheusProbes.using(prometheus.client()).pollingEvery(Duration.ofMillis(20));

      assertThatThrownBy(() -> probes.series("up").awaitScrapedAfter(Instant.ofEpochSecond(1700000005),
          Duration.ofMillis(200))).isInstanceOf(AssertionError.class)
          .hasMessageContaining("a scrape of `up` after 2023-11-14T22:13:25Z: not reached within 200 ms; "
              + "last reading: oldest newest sample at 2023-11-14T22:13:20Z");
    }
  }
}
