package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.TestResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.FaultPrepared;
import run.tokenlabs.chaos.api.event.GuardBreached;
import run.tokenlabs.chaos.api.event.HypothesisChecked.CheckResult;
import run.tokenlabs.chaos.api.event.HypothesisChecked.Phase;
import run.tokenlabs.chaos.api.event.HypothesisChecked;
import run.tokenlabs.chaos.api.event.KeyNumberRecorded;
import run.tokenlabs.chaos.api.event.RollbackFailed;
import run.tokenlabs.chaos.api.event.RunFinished;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.engine.JournalFile;

/** The listener against a real {@link AllureLifecycle} writing to a temporary results directory. */
class AllureChaosListenerTest {
  static final String HELD = "LLMD-3 PodForceDeleteIT#deploymentManagedPodRecovers";
  static final String DEVIATED = "LLMD-3 PodForceDeleteIT#barePodAbsenceIsAlerted";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-11-28T20:00:00Z");

  @TempDir
  Path dir;
  Path results;
  AllureLifecycle lifecycle;
  AllureChaosListener listener;
  List<ChaosEvent> journal;
  ExecutorService guardThread;

  @BeforeEach
  void setUp() throws Exception {
    results = dir.resolve("allure-results");
    lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
    listener = new AllureChaosListener(lifecycle, results);
    journal = JournalFile.read(GameDayReportTest.copyResource("game-day-journal.jsonl", dir)).events();
    guardThread = Executors.newSingleThreadExecutor();
    guardThread.submit(() -> {}).get(); // a pool thread that exists before any test case: no inherited context
  }

  @AfterEach
  void tearDown() {
    guardThread.shutdownNow();
  }

  @Test
  @DisplayName("an experiment's events become its test case's steps, labels and attachments")
  void stepsOfOneExperiment() throws Exception {
    String testCase = startTestCase();

    listener.onEvent(runStarted(dir.resolve("chaos-journal/journal-" + GameDayReportTest.RUN + ".jsonl")));
    eventsOf(HELD).forEach(listener::onEvent);
    JsonNode result = stopAndRead(testCase);

    assertThat(names(result.get("steps"))).containsExactly(
        "Steady state before: gateway serves llama",
        "Inject fault: force-delete pod token-labs/app=llama-3-1-8b",
        "Evidence: PromQL: sum(rate(gateway_requests_total{code=~\"5..\"}[1m]))",
        "Key number: Time to recover (Deployment-managed pod) = 42.5 s",
        "Rollback: await Deployment llama-3-1-8b ready",
        "Steady state after: gateway serves llama",
        "Verdict: ✓ HELD");
    assertThat(result.get("steps")).allSatisfy(step -> assertThat(step.get("status").asText()).isEqualTo("passed"));
    assertThat(result.get("steps")).as("steps last from their event to their event, not until the journal was read")
        .allSatisfy(step -> assertThat(step.get("stop").asLong()).isEqualTo(step.get("start").asLong()));
    JsonNode before = result.get("steps").get(0);
    assertThat(parameters(before)).containsEntry("gateway 5xx ratio (llama)", "0.0 (expected <= 0.001) ✓")
        .containsEntry("ready pods app=llama-3-1-8b", "1 (expected >= 1) ✓");
    assertThat(names(before.get("steps"))).containsExactly("gateway 5xx ratio (llama) = 0.0, expected <= 0.001",
        "ready pods app=llama-3-1-8b = 1, expected >= 1");
    assertThat(parameters(result.get("steps").get(1))).containsEntry("rollback", "await Deployment llama-3-1-8b ready");
    assertThat(attachment(result.get("steps").get(2), "PromQL: sum(rate(gateway_requests_total{code=~\"5..\"}[1m]))"))
        .isEqualTo("{} => 0.42 @ 2026-11-28T20:00:05Z");
    assertThat(attachment(result, "Key numbers"))
        .isEqualTo("Metric,Value,Unit,Notes\nTime to recover (Deployment-managed pod),42.5,s,from delete to Ready\n");
    assertThat(labels(result)).contains("epic=Game day", "feature=LLMD: llm-d serving and pod failures",
        "story=LLMD-3 Force-deleting an inference pod is detected", "tag=HELD");
    assertThat(result.get("name").asText()).isEqualTo("LLMD-3 Force-deleting an inference pod is detected");
    assertThat(result.at("/links/0/url").asText()).as("each experiment links the summary page")
        .endsWith("summary-" + GameDayReportTest.RUN + ".html");
  }

  @Test
  @DisplayName("guard breaches and rollbacks from another thread land in the right test case, failed with their reason")
  void eventsFromOtherThreads() throws Exception {
    String testCase = startTestCase();
    List<ChaosEvent> events = eventsOf(DEVIATED);

    for (ChaosEvent event : events) {
      if (event instanceof GuardBreached || event instanceof RollbackFailed) {
        guardThread.submit(() -> listener.onEvent(event)).get(5, TimeUnit.SECONDS);
      } else {
        listener.onEvent(event);
      }
    }
    Optional<String> guardThreadContext = guardThread.submit(lifecycle::getCurrentTestCaseOrStep).get();
    assertThat(lifecycle.getCurrentTestCaseOrStep()).as("the test thread's context is untouched").contains(testCase);
    JsonNode result = stopAndRead(testCase);

    assertThat(guardThreadContext).as("no step left open on the guard thread").isEmpty();
    JsonNode guard = step(result, "Guard breached: llama still serves");
    assertThat(guard.get("status").asText()).isEqualTo("failed");
    assertThat(guard.at("/statusDetails/message").asText())
        .isEqualTo("gateway 5xx ratio (llama) <= 0.05: read 0.31, limit <= 0.05");
    JsonNode rollback = step(result, "Rollback: recreate bare pod deepseek-r1-7b-vllm-leader");
    assertThat(rollback.get("status").asText()).isEqualTo("failed");
    assertThat(rollback.at("/statusDetails/message").asText()).contains("409 Conflict");
    assertThat(parameters(rollback)).containsEntry("source", "guard-halt");
    JsonNode verdict = step(result, "Verdict: ✗ DEVIATED");
    assertThat(verdict.get("status").asText()).isEqualTo("failed");
    assertThat(verdict.at("/statusDetails/message").asText()).startsWith("Alert 'TokenLabsPodAbsent' did not fire");
    JsonNode finding = step(result, "Finding: Bare pod <script>alert('x')</script> | no controller");
    assertThat(attachment(finding, "Finding: Bare pod <script>alert('x')</script> | no controller"))
        .contains("Force-delete gave 100% HTTP 500").contains("Evidence:\nrate(vllm:request_failure_total[5m]) > 0");
  }

  @Test
  @DisplayName("a steady state that did not hold is a failed step; a probe error makes it broken")
  void failedAndBrokenSteadyState() throws Exception {
    String testCase = startTestCase();
    listener.onEvent(new ExperimentStarted(AT, GameDayReportTest.RUN, HELD, "X-1", "t", "C", "m", "u", 90));
    listener.onEvent(new HypothesisChecked(AT, GameDayReportTest.RUN, HELD, Phase.BEFORE, "h", false,
        List.of(new CheckResult("p", "absent", "3", false, null))));
    listener.onEvent(new HypothesisChecked(AT, GameDayReportTest.RUN, HELD, Phase.AFTER, "h", false,
        List.of(new CheckResult("q", "<= 1", null, false, "connection refused"))));
    listener.onEvent(new FaultPrepared(AT, GameDayReportTest.RUN, HELD, "f", "r", List.of(), true));
    listener.onEvent(new KeyNumberRecorded(AT, GameDayReportTest.RUN, HELD, new KeyNumber("peak", Double.NaN, "%", "")));
    JsonNode result = stopAndRead(testCase);

    assertThat(step(result, "Steady state before: h").get("status").asText()).isEqualTo("failed");
    JsonNode after = step(result, "Steady state after: h");
    assertThat(after.get("status").asText()).isEqualTo("broken");
    assertThat(after.at("/steps/0/statusDetails/message").asText()).isEqualTo("connection refused");
    assertThat(parameters(after)).containsEntry("q", "no reading (expected <= 1) ✗");
    assertThat(step(result, "Inject fault (dry run, not acted on): f").get("status").asText()).isEqualTo("skipped");
    assertThat(names(result.get("steps"))).contains("Key number: peak = no data (NaN)");
  }

  @Test
  @DisplayName("without a running Allure test case it records nothing and throws nothing")
  void nothingWithoutAllure() {
    assertThatCode(() -> eventsOf(HELD).forEach(listener::onEvent)).doesNotThrowAnyException();

    assertThat(results).doesNotExist();
  }

  @Test
  @DisplayName("at the run's end: summary next to the journal, environment, executor, categories and a summary result")
  void runFinished() throws Exception {
    Path journalDir = Files.createDirectories(dir.resolve("chaos-journal"));
    Path journalFile = Files.copy(dir.resolve("game-day-journal.jsonl"), journalDir.resolve("journal-" + GameDayReportTest.RUN + ".jsonl"));
    String testCase = startTestCase();
    listener.onEvent(runStarted(journalFile));
    eventsOf(HELD).forEach(listener::onEvent);
    stopAndRead(testCase);

    listener.onEvent(journal.get(journal.size() - 1));

    Path summary = journalDir.resolve("summary-" + GameDayReportTest.RUN + ".html");
    assertThat(summary).exists();
    assertThat(Files.readString(summary)).contains("href=\"../allure-report/index.html\"");
    assertThat(journalDir.resolve("summary-" + GameDayReportTest.RUN + ".md")).exists();
    assertThat(Files.readString(results.resolve("environment.properties"))).contains("run=" + GameDayReportTest.RUN)
        .contains("target=lab").contains("lab.profile=").contains("prometheus=");
    assertThat(JSON.readTree(results.resolve("executor.json").toFile()).get("buildName").asText())
        .isEqualTo("Game day " + GameDayReportTest.RUN);
    assertThat(JSON.readTree(results.resolve("categories.json").toFile()).findValuesAsText("name"))
        .anyMatch(n -> n.startsWith("BLOCKED"));
    JsonNode summaryResult = resultNamed("SYNTHESIS Game day summary: run " + GameDayReportTest.RUN);
    assertThat(summaryResult.get("status").asText()).as("a proper entry, not 'unknown' in the overview")
        .isEqualTo("passed");
    assertThat(summaryResult.at("/statusDetails/message").asText()).contains("1 HELD");
    assertThat(attachment(summaryResult, "Journal journal-" + GameDayReportTest.RUN + ".jsonl"))
        .isEqualTo(Files.readString(journalFile));
    assertThat(attachment(summaryResult, "Game-day summary (HTML)")).startsWith("<!DOCTYPE html>");
  }

  @Test
  @DisplayName("without Allure the summary page is still written, with no Allure links and nothing in the results")
  void runFinishedWithoutAllure() throws IOException {
    Path journalFile = dir.resolve("game-day-journal.jsonl");

    listener.onEvent(runStarted(journalFile));
    listener.onEvent(journal.get(journal.size() - 1));

    Path summary = dir.resolve("summary-" + GameDayReportTest.RUN + ".html");
    assertThat(Files.readString(summary)).doesNotContain("allure-report").contains("✗ DEVIATED");
    assertThat(results).doesNotExist();
  }

  @Test
  @DisplayName("it never throws into the engine: a missing journal, odd data, an unwritable results directory")
  void neverThrows() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    AllureLifecycle broken = new AllureLifecycle(new FileSystemResultsWriter(notADirectory));
    AllureChaosListener brokenListener = new AllureChaosListener(broken, notADirectory);
    String testCase = UUID.randomUUID().toString();
    broken.scheduleTestCase(new TestResult().setUuid(testCase).setName("t"));
    broken.startTestCase(testCase);

    assertThatCode(() -> {
      eventsOf(HELD).forEach(brokenListener::onEvent);
      brokenListener.onEvent(new KeyNumberRecorded(AT, GameDayReportTest.RUN, "never started", new KeyNumber("k", 1, "", "")));
      brokenListener.onEvent(runStarted(dir.resolve("missing.jsonl")));
      brokenListener.onEvent(journal.get(journal.size() - 1));
      listener.onEvent(new RunFinished(AT, GameDayReportTest.RUN, null, 0, Map.of()));
    }).doesNotThrowAnyException();
    broken.stopTestCase(testCase);
  }

  @Test
  @DisplayName("a chart evidence is drawn as a PNG on its own step, its data beside it; a DEVIATED verdict reads as "
      + "expected / seen / meaning with the assertion message kept as the trace")
  void chartOnItsStepAndVerdictInWords() throws Exception {
    List<ChaosEvent> charted = JournalFile.read(ChartJournal.write(dir.resolve("charted"))).events();
    String testCase = startTestCase();

    charted.stream().filter(e -> e.experiment() != null && e.experiment().startsWith("NEXT-RUN-2 "))
        .forEach(listener::onEvent);
    JsonNode result = stopAndRead(testCase);

    JsonNode chartStep = step(result, "Chart: " + ChartJournal.CHARTS.get(3));
    List<String> types = new ArrayList<>();
    chartStep.get("attachments").forEach(a -> types.add(a.get("type").asText()));
    assertThat(types).containsExactly("image/png", "application/json");
    byte[] png = Files.readAllBytes(results.resolve(chartStep.get("attachments").get(0).get("source").asText()));
    assertThat(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png)).getWidth()).isEqualTo(ChartPainter.WIDTH);
    JsonNode verdict = step(result, "Verdict: ✗ DEVIATED");
    assertThat(verdict.at("/statusDetails/message").asText()).contains("expected less than 0.0, seen 0.0114")
        .contains("hypothesis did not hold");
    assertThat(verdict.at("/statusDetails/trace").asText()).contains("Expecting actual:");
  }

  // --- helpers -------------------------------------------------------------------------------

  private String startTestCase() {
    String uuid = UUID.randomUUID().toString();
    lifecycle.scheduleTestCase(new TestResult().setUuid(uuid).setName("experiment"));
    lifecycle.startTestCase(uuid);
    return uuid;
  }

  private JsonNode stopAndRead(String uuid) throws IOException {
    lifecycle.stopTestCase(uuid);
    lifecycle.writeTestCase(uuid);
    return JSON.readTree(results.resolve(uuid + "-result.json").toFile());
  }

  private JsonNode resultNamed(String name) throws IOException {
    try (Stream<Path> files = Files.list(results)) {
      for (Path file : files.filter(f -> f.toString().endsWith("-result.json")).toList()) {
        JsonNode node = JSON.readTree(file.toFile());
        if (name.equals(node.path("name").asText())) {
          return node;
        }
      }
    }
    throw new AssertionError("no result named '" + name + "' in " + results);
  }

  private List<ChaosEvent> eventsOf(String experiment) {
    return journal.stream().filter(e -> experiment.equals(e.experiment())).toList();
  }

  private ChaosEvent runStarted(Path journalFile) {
    RunStarted s = (RunStarted) journal.get(0);
    return new RunStarted(s.at(), s.runId(), null, s.target(), s.profile(), s.dryRun(), s.allowedNamespaces(),
        journalFile.toString(), s.pendingRollbacks());
  }

  private static List<String> names(JsonNode steps) {
    List<String> names = new ArrayList<>();
    steps.forEach(s -> names.add(s.get("name").asText()));
    return names;
  }

  private static JsonNode step(JsonNode result, String name) {
    for (JsonNode s : result.get("steps")) {
      if (name.equals(s.get("name").asText())) {
        return s;
      }
    }
    throw new AssertionError("no step '" + name + "' in " + names(result.get("steps")));
  }

  private static Map<String, String> parameters(JsonNode step) {
    Map<String, String> map = new LinkedHashMap<>();
    step.path("parameters").forEach(p -> map.put(p.get("name").asText(), p.get("value").asText()));
    return map;
  }

  private static List<String> labels(JsonNode result) {
    List<String> labels = new ArrayList<>();
    result.get("labels").forEach(l -> labels.add(l.get("name").asText() + "=" + l.get("value").asText()));
    return labels;
  }

  private String attachment(JsonNode node, String name) throws IOException {
    for (JsonNode a : node.path("attachments")) {
      if (name.equals(a.get("name").asText())) {
        return Files.readString(results.resolve(a.get("source").asText()), StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("no attachment '" + name + "' in " + node.path("attachments"));
  }
}
