package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Progress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * {@code LoadSpec.run()} inside an experiment of a dry run sends nothing: the load's plan is
 * journaled and the experiment ends ABORTED, with no key number. Run through the real engine against
 * a test server that counts what reaches it.
 */
class DryRunLoadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  Path dir;

  @Test
  @DisplayName("Dry run: an experiment that only loads sends zero requests, journals the plan, ends ABORTED")
  void dryRunSendsNothing() throws IOException {
    try (SseTestServer server = SseTestServer.start(seen -> SseTestServer.Behaviour.normal())) {
      EngineExecutionResults results = run(server, true);

      results.testEvents().assertStatistics(s -> s.aborted(1).failed(0).succeeded(0));
      assertThat(server.completions()).as("completions that reached the server").isZero();
      assertThat(server.tokenizeCalls()).as("tokenizer calls that reached the server").isZero();
      assertThat(server.connectionsAccepted()).as("connections the server accepted").isZero();
      List<JsonNode> journal = journal();
      assertThat(ofType(journal, "FaultPrepared")).singleElement().satisfies(plan -> {
        assertThat(plan.get("dryRun").asBoolean()).isTrue();
        assertThat(plan.get("fault").asText()).isEqualTo("send a load to " + server.baseUrl() + "/v1/completions "
            + "(model m): closed loop of 2 sessions, workload T (16 prompt tokens, max 8), at most 3 requests in "
            + "20 s, each request at most 10 s");
      });
      assertThat(ofType(journal, "KeyNumberRecorded")).isEmpty();
      assertThat(ofType(journal, "VerdictReached")).singleElement()
          .satisfies(v -> assertThat(v.get("verdict").asText()).isEqualTo("ABORTED"));
    }
  }

  @Test
  @DisplayName("The same experiment outside a dry run sends its load and records its key number")
  void wetRunSends() throws IOException {
    try (SseTestServer server = SseTestServer.start(seen -> SseTestServer.Behaviour.normal())) {
      EngineExecutionResults results = run(server, false);

      results.testEvents().assertStatistics(s -> s.succeeded(1).failed(0).aborted(0));
      assertThat(server.completions()).isEqualTo(3);
      List<JsonNode> journal = journal();
      assertThat(ofType(journal, "FaultPrepared")).isEmpty();
      assertThat(ofType(journal, "KeyNumberRecorded")).singleElement()
          .satisfies(k -> assertThat(k.at("/keyNumber/value").asDouble()).isEqualTo(3.0));
    }
  }

  private EngineExecutionResults run(SseTestServer server, boolean dryRun) {
    GatewayOnlyTargetProvider.gateway = URI.create(server.baseUrl());
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter("tokenlabs.chaos.target", "gateway-only")
        .configurationParameter("tokenlabs.chaos.journal.dir", dir.resolve("journal").toString())
        .configurationParameter("tokenlabs.chaos.dryRun", Boolean.toString(dryRun))
        .selectors(selectClass(LoadOnlyExperiment.class))
        .execute();
  }

  private List<JsonNode> journal() throws IOException {
    List<JsonNode> events = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList()) {
        for (String line : Files.readAllLines(file)) {
          events.add(JSON.readTree(line));
        }
      }
    }
    return events;
  }

  private static List<JsonNode> ofType(List<JsonNode> events, String type) {
    return events.stream().filter(e -> type.equals(e.path("type").asText())).toList();
  }

  /**
   * An experiment that only loads (no fault) and records a key number from the load, as several game
   * day experiments do. Run through the engine by the tests above, never by Surefire on its own (nested).
   */
  @ChaosExperiment(id = "T-LOAD-ONLY", title = "a load through the gateway, no fault")
  static class LoadOnlyExperiment {
    /** What its load plans: two sessions, at most three requests. */
    static final Bounds BOUNDS = new Bounds(Duration.ofSeconds(20), 3, Duration.ofSeconds(10));

    @Test
    void loadThroughTheGateway(Chaos chaos) {
      Endpoint gateway = Endpoint.completions(chaos.target().gateway().orElseThrow().toString(), "m");
      LoadResult result = Load.closedLoop(gateway, 2)
          .withWorkload(LoadFixtures.tiny())
          .withBounds(BOUNDS)
          .withProgress(Progress.none())
          .run();
      int booked = result.records().size();
      chaos.record(new KeyNumber("requests booked", booked, "requests", "n=" + booked));
    }
  }
}
