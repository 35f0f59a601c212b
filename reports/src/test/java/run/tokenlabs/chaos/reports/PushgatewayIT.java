package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.ChaosConfig.PushgatewaySettings;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.engine.JournalFile;

/**
 * The listener against the real Pushgateway ({@code prometheus-pushgateway}), scraped by a real
 * Prometheus with {@code honor_labels: true} as the rules' header asks: two runs pushed (a successful
 * one, then the fixture game day with a DEVIATED experiment), then every game-day alert expression of
 * {@code rules/prometheus/tokenlabs-chaos-gameday.rules.yml} is queried in Prometheus. promtool's
 * tests show when the rules fire; this shows that the series they select are the ones a run pushes.
 */
class PushgatewayIT {
  private static final Path RULES = Path.of("..", "rules", "prometheus", "tokenlabs-chaos-gameday.rules.yml");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> processes = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void stop() throws InterruptedException {
    for (Process process : processes) {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  @DisplayName("pushed runs are queryable in Prometheus, and each game-day alert's expression selects them")
  void pushedSeriesMatchTheRules() throws Exception {
    int pushgatewayPort = freePort();
    start(List.of(binary("PUSHGATEWAY_BIN", "/usr/bin/prometheus-pushgateway", "prometheus-pushgateway"),
        "--web.listen-address=127.0.0.1:" + pushgatewayPort,
        // Debian's build persists to /var/lib/prometheus/pushgateway.data by default: groups pushed by an earlier
        // run (or another test) would come back here; this test keeps its own file
        "--persistence.file=" + dir.resolve("pushgateway.data")), "pushgateway");
    URI pushgateway = URI.create("http://127.0.0.1:" + pushgatewayPort);
    awaitReady(pushgateway.resolve("/-/ready"));

    int prometheusPort = freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: pushgateway
            honor_labels: true
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(pushgatewayPort));
    start(List.of(binary("PROMETHEUS_BIN", "/usr/bin/prometheus", "prometheus"), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort),
        "prometheus");
    URI prometheus = URI.create("http://127.0.0.1:" + prometheusPort);
    awaitReady(prometheus.resolve("/-/ready"));

    PushgatewaySettings settings = new PushgatewaySettings(Optional.of(pushgateway), PushgatewaySettings.DEFAULT_JOB);
    replay("held-journal.jsonl", settings, dir.resolve("first"));
    replay("game-day-journal.jsonl", settings, dir.resolve("second"));

    await("the failed run's verdicts scraped").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> !query(prometheus, "tokenlabs_chaos_experiment_verdict{verdict=\"DEVIATED\"} == 1").isEmpty());
    await("the successful run's group scraped").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> !query(prometheus, "tokenlabs_chaos_gameday_last_success_timestamp_seconds").isEmpty());

    Map<String, String> alerts = alertExpressions();
    assertThat(alerts).containsOnlyKeys("GameDayExperimentFailed", "GameDayKeyNumberRegressed", "GameDayOverdue");

    List<Map<String, String>> failed = query(prometheus, alerts.get("GameDayExperimentFailed"));
    assertThat(failed).as("the failed run replaced the last_run group: its DEVIATED, ERROR and ABORTED experiments")
        .extracting(m -> m.get("experiment") + "/" + m.get("verdict"))
        .containsExactlyInAnyOrder("LLMD-3/DEVIATED", "SLO-1/ERROR", "DCGM-2/ABORTED");
    assertThat(failed).allSatisfy(m -> assertThat(m).containsEntry("job", PushgatewaySettings.DEFAULT_JOB)
        .containsEntry("target", "lab").containsEntry("record", "last_run"));

    // A week of history does not exist here: with the offset dropped and the factor below 1, the
    // expression must select every duration key number of the last run.
    String regressed = alerts.get("GameDayKeyNumberRegressed").replace(" offset 7d", "").replace("1.5 *", "0.5 *");
    assertThat(query(prometheus, regressed)).extracting(m -> m.get("name"))
        .containsExactlyInAnyOrder("Time to recover (Deployment-managed pod)", "TTFT p95 — Bucket A (Interactive)");

    // Just pushed, so not overdue; with the bound at -1 s the expression must select the last_success group.
    String overdue = alerts.get("GameDayOverdue");
    assertThat(query(prometheus, overdue)).isEmpty();
    assertThat(query(prometheus, overdue.replace("8 * 86400", "-1")))
        .singleElement().satisfies(m -> assertThat(m).containsEntry("record", "last_success").containsEntry("target", "lab"));
  }

  /** Replays a journal through the listener as the engine would, RunStarted naming the copy. */
  private static void replay(String resource, PushgatewaySettings settings, Path runDir) throws IOException {
    Files.createDirectories(runDir);
    Path journal = GameDayReportTest.copyResource(resource, runDir);
    PushgatewayListener listener = new PushgatewayListener(() -> settings, new PushgatewayClient());
    for (ChaosEvent event : JournalFile.read(journal).events()) {
      if (event instanceof RunStarted s) {
        event = new RunStarted(s.at(), s.runId(), null, s.target(), s.profile(), false, s.allowedNamespaces(),
            journal.toString(), s.pendingRollbacks());
      }
      listener.onEvent(event);
    }
    try (var outcome = Files.list(runDir)) {
      Path file = outcome.filter(p -> p.getFileName().toString().startsWith("pushgateway-")).findFirst().orElseThrow();
      assertThat(Files.readString(file)).as("the push outcome of " + resource).contains("pushed to ");
    }
  }

  private static Map<String, String> alertExpressions() throws IOException {
    Map<String, String> alerts = new LinkedHashMap<>();
    for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        alerts.put(rule.path("alert").asText(), rule.path("expr").asText().strip().replaceAll("\\s+", " "));
      }
    }
    return alerts;
  }

  private List<Map<String, String>> query(URI prometheus, String promql) throws IOException, InterruptedException {
    URI uri = prometheus.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("Prometheus answering " + promql + ": " + response.body()).isEqualTo(200);
    List<Map<String, String>> series = new ArrayList<>();
    for (JsonNode result : JSON.readTree(response.body()).path("data").path("result")) {
      Map<String, String> labels = new LinkedHashMap<>();
      result.path("metric").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
      series.add(labels);
    }
    return series;
  }

  private void awaitReady(URI ready) {
    await("ready: " + ready).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200);
  }

  private void start(List<String> command, String name) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    processes.add(process);
  }

  /** The binary from {@code env}, the Debian path or PATH; fails naming what to install. */
  private static String binary(String env, String debianPath, String name) {
    String configured = System.getenv(env);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    if (Files.isExecutable(Path.of(debianPath))) {
      return debianPath;
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(entry, name))) {
        return Path.of(entry, name).toString();
      }
    }
    throw new IllegalStateException("This test runs the real " + name + " and found none: " + env + " is unset, "
        + debianPath + " is missing and PATH has no " + name + "; install it (Debian: apt-get install -y " + name
        + ") or set " + env);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
