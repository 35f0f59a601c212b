package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.spi.Capability;
import run.tokenlabs.chaos.probes.api.capabilities.FbMemoryMetrics;
import run.tokenlabs.chaos.probes.api.capabilities.NvlinkMetrics;
import run.tokenlabs.chaos.probes.exposition.ExpositionParserTestResources;
import run.tokenlabs.chaos.probes.prometheus.PrometheusClients;

/**
 * The probes against a real Prometheus (Debian's 2.42) scraping a test exporter every second:
 * vanishing versus dropping to zero, an alert going pending then firing, special values, a
 * rejected query, DCGM through Prometheus, an unreachable server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusProbesIT {
  private static final String RULES = """
      groups:
        - name: probes-it
          interval: 1s
          rules:
            - alert: TlPodAbsent
              expr: absent(tl_requests_running{job="lab"})
              for: 3s
            - alert: TlNeverFires
              expr: vector(1) == 2
              for: 1s
      """;
  private static final String SERVING = """
      # TYPE tl_requests_running gauge
      tl_requests_running{pod="deepseek-r1-7b-vllm-leader"} 3
      # TYPE tl_queue gauge
      tl_queue{pod="llama-3-1-8b"} 5
      tl_nan NaN
      tl_inf +Inf
      tl_neg_inf -Inf
      """;

  private static TestExporter exporter;
  private static RealPrometheus prometheus;
  private static PrometheusProbes probes;

  @BeforeAll
  static void start() throws IOException {
    exporter = new TestExporter().serve(SERVING + ExpositionParserTestResources.read("dcgm-exporter-gb10.txt"));
    prometheus = RealPrometheus.start(List.of(exporter.hostPort()), RULES);
    probes = Probes.from(TestTarget.withPrometheus(prometheus.url()), Duration.ofSeconds(5)).prometheus()
        .pollingEvery(Duration.ofMillis(250));
    await("first scrape of the test exporter").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
        .until(() -> probes.instant("count(tl_inf)").read().hasValue());
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("NaN, +Inf and -Inf come back as those values; build info and targets are typed")
  void specialValues() throws Exception {
    assertThat(probes.instant("tl_nan").read().value()).hasValueSatisfying(v -> assertThat(v).isNaN());
    assertThat(probes.instant("tl_inf").read().value()).contains(Double.POSITIVE_INFINITY);
    assertThat(probes.instant("tl_neg_inf").read().value()).contains(Double.NEGATIVE_INFINITY);
    assertThat(probes.client().buildInfo().version()).startsWith("2.");
    assertThat(probes.client().targets()).singleElement().satisfies(t -> {
      assertThat(t.health()).isEqualTo("up");
      assertThat(t.labels()).containsEntry("job", "lab").containsEntry("namespace", "token-labs");
    });
  }

  @Test
  @Order(2)
  @DisplayName("a rejected query is an ERROR carrying the PromQL and Prometheus' message")
  void rejectedQueries() {
    assertThatThrownBy(() -> probes.instant("rate(tl_queue[5m]").read())
        .isInstanceOf(ProbeException.class)
        .hasMessageContaining("`rate(tl_queue[5m]`").hasMessageContaining("bad_data, HTTP 400")
        .hasMessageContaining("parse error");
    assertThatThrownBy(() -> probes.client().query("{__name__=~\"tl_.*\"} + on() {__name__=~\"tl_.*\"}"))
        .isInstanceOf(ProbeException.class)
        .hasMessageContaining("execution, HTTP 422").hasMessageContaining("many-to-many");
  }

  @Test
  @Order(3)
  @DisplayName("DCGM inventory through Prometheus names the missing FB fields with their ids")
  void dcgmThroughPrometheus() throws Exception {
    DcgmInventory inventory = Probes.from(TestTarget.withPrometheus(prometheus.url())).dcgm().fromPrometheus();

    assertThat(inventory.gpus()).singleElement().satisfies(gpu -> {
      assertThat(gpu.model()).isEqualTo("NVIDIA GB10");
      assertThat(gpu.hostname()).isEqualTo("spark-01");
    });
    assertThat(inventory.compareTo(DcgmField.EXPORTER_DEFAULTS).toString())
        .contains("missing DCGM_FI_DEV_FB_FREE (251), DCGM_FI_DEV_FB_USED (252), DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL (449)");
    Capability.Availability nvlink = new NvlinkMetrics().check(TestTarget.withPrometheus(prometheus.url()));
    assertThat(nvlink.present()).isFalse();
    assertThat(nvlink.reason()).contains("DCGM exposes no NVLink fields on [GPU 0 (NVIDIA GB10, spark-01)]");
    assertThat(new FbMemoryMetrics().check(TestTarget.withPrometheus(prometheus.url())).present()).isFalse();
  }

  @Test
  @Order(4)
  @DisplayName("a series that vanishes versus one that drops to 0, and the absence alert pending then firing")
  void vanishVersusZeroAndAlert() throws Exception {
    AlertWatch absent = probes.alert("TlPodAbsent");
    // Prometheus evaluates the rule before its first scrape, when the series is absent: that early
    // alert resolves once the series is in. The steady state before the fault is "inactive".
    await("TlPodAbsent inactive while the series is scraped").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> absent.state().read().value().orElseThrow() == AlertState.INACTIVE);

    exporter.serve(SERVING.replaceAll("tl_requests_running\\{.*\\} 3", "").replace("} 5", "} 0"));

    probes.series("tl_requests_running").shouldVanishWithin(Duration.ofSeconds(15));
    probes.series("tl_queue").shouldDropToZeroWithin(Duration.ofSeconds(15));
    assertThat(probes.instant("tl_requests_running").read().hasValue()).isFalse();
    assertThatThrownBy(() -> probes.series("tl_requests_running").shouldDropToZeroWithin(Duration.ofSeconds(2)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("vanished instead of reading 0");

    await("TlPodAbsent pending").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> absent.state().read().value().orElseThrow() != AlertState.INACTIVE);
    assertThat(absent.state().read().value()).contains(AlertState.PENDING);
    absent.shouldFireWithin(Duration.ofSeconds(15));
    assertThat(probes.client().alerts()).anySatisfy(a -> {
      assertThat(a.name()).isEqualTo("TlPodAbsent");
      assertThat(a.state()).isEqualTo(AlertState.FIRING);
    });

    assertThatThrownBy(() -> probes.alert("TlNeverFires").shouldFireWithin(Duration.ofSeconds(2)))
        .isInstanceOf(AssertionError.class)
        .hasMessageMatching("Alert 'TlNeverFires' did not fire within 2 s; states seen: inactive \\d\\d:\\d\\d:\\d\\d; rule for: 1 s");
  }

  @Test
  @Order(6)
  @DisplayName("the scrape interval measured is the 1 s configured; a firing bound reads for: and interval as loaded")
  void scrapeIntervalAndFiringBound() {
    Duration scrape = probes.scrapeInterval();
    AlertFiringBound bound = AlertFiringBound.of(probes.client(), "TlPodAbsent", scrape);
    AlertFiringBound never = AlertFiringBound.of(probes.client(), "TlNeverFires", scrape);

    assertThat(scrape).isEqualTo(Duration.ofSeconds(1));
    assertThat(bound.forDuration()).isEqualTo(Duration.ofSeconds(3));
    assertThat(bound.evaluation()).isEqualTo(Duration.ofSeconds(1));
    assertThat(bound.total()).isEqualTo(Duration.ofMillis(10_000 + 2_100 + 1_000 + 3_000));
    // TlPodAbsent fires since test 4; TlNeverFires is given only its last 2 s to show a missed bound.
    Instant since = Instant.now().minus(never.total()).plusSeconds(2);
    try (FiringWatch watch = probes.watchFiring(since, List.of(bound, never))) {
      assertThat(watch.await("TlPodAbsent").firingAfter()).isPositive();
      assertThatThrownBy(() -> watch.await("TlNeverFires")).isInstanceOf(AssertionError.class)
          .hasMessageContaining("Alert 'TlNeverFires' did not fire within 14.1 s").hasMessageContaining("(bound 10 s SD");
    }
  }

  @Test
  @Order(5)
  @DisplayName("an unreachable Prometheus is an ERROR (ProbeException), never a verdict")
  void unreachable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PrometheusClient gone = PrometheusClients.connect(
        PrometheusEndpoint.unauthenticated(URI.create("http://127.0.0.1:" + port + "/")), Duration.ofSeconds(2));

    assertThatThrownBy(() -> PrometheusProbes.using(gone).instant("up").read())
        .isInstanceOf(ProbeException.class).hasMessageContaining("Could not ask Prometheus");
  }
}
