package run.tokenlabs.chaos.lab.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.golden.GoldenFamilies;
import run.tokenlabs.chaos.lab.golden.PromtoolLint;
import run.tokenlabs.chaos.lab.golden.ServedFamilies;

/** A simulated pod's /metrics page against the real engine's families, after it has served a request. */
class ExpositionGoldenTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private String pageAfterOneCompletion(MetricsExposition.Flavor flavor) throws Exception {
    SimulatorConfig config = new SimulatorConfig("m", flavor, new SchedulerConfig(2048, 64, 4096, true, 0, 10_000),
        2048, new CostModel(0.01, 0.0001, 0.001), 0.01, 20, 0, 1);
    try (ModelServer server = new ModelServer(config, new FaultState(), InetAddress.getLoopbackAddress()).start()) {
      http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/v1/completions")).POST(HttpRequest.BodyPublishers
          .ofString("{\"model\":\"m\",\"prompt\":\"tok\",\"max_tokens\":3}")).build(), HttpResponse.BodyHandlers
          .discarding());
      return http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  @Test
  @DisplayName("a vLLM pod serves every family of vLLM 0.10.2, with its type, _total and _created forms and labels")
  void vllm() throws Exception {
    String page = pageAfterOneCompletion(MetricsExposition.Flavor.VLLM);
    assertThat(ServedFamilies.parse(page).missingFrom(GoldenFamilies.load("vllm-0.10.2.families"))).isEmpty();
  }

  @Test
  @DisplayName("promtool finds no counter without its _total suffix on either engine's page")
  void promtoolFindsNoCounterWithoutTotal() throws Exception {
    for (MetricsExposition.Flavor flavor : MetricsExposition.Flavor.values()) {
      Optional<List<String>> findings = PromtoolLint.findings(pageAfterOneCompletion(flavor));
      Assumptions.assumeTrue(findings.isPresent(), "promtool is not on PATH (Debian package prometheus)");
      assertThat(findings.get()).as(flavor + " page")
          .noneMatch(f -> f.contains("counter metrics should have \"_total\" suffix")).noneMatch(f -> f.contains("error while linting"));
    }
  }

  @Test
  @DisplayName("an SGLang pod serves every family of SGLang's documented page, and no _created series")
  void sglang() throws Exception {
    String page = pageAfterOneCompletion(MetricsExposition.Flavor.SGLANG);
    assertThat(ServedFamilies.parse(page).missingFrom(GoldenFamilies.load("sglang.families"))).isEmpty();
    assertThat(page).doesNotContain("_created");
  }
}
