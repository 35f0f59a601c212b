package run.tokenlabs.chaos.reports;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Stage;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.TestResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.api.Verdict;

/**
 * What a finished run adds to the Allure results beside the experiments' own test cases:
 * {@code environment.properties} and {@code executor.json} (the report's Environment and
 * Executors widgets), {@code categories.json} (verdicts as categories), and one extra result,
 * "Game day summary", carrying the summary page, its Markdown and the journal as attachments,
 * because an attachment needs a test result and the run's end has no test context. It is filed
 * under SYNTHESIS as the reference run's page was, and passes: it checks nothing, it reports that
 * the summary was written (its message counts the verdicts).
 */
final class AllureRunArtifacts {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final AllureLifecycle lifecycle;
  private final Path resultsDir;

  AllureRunArtifacts(AllureLifecycle lifecycle, Path resultsDir) {
    this.lifecycle = lifecycle;
    this.resultsDir = resultsDir;
  }

  void write(RunRecord run, Path journal, GameDayReport.Written summary) {
    try {
      Files.createDirectories(resultsDir);
      writeEnvironment(run, journal, summary);
      writeExecutor(run);
      writeCategories();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write run artifacts into the Allure results '" + resultsDir + "'", e);
    }
    writeSummaryResult(run, journal, summary);
  }

  private void writeEnvironment(RunRecord run, Path journal, GameDayReport.Written summary) throws IOException {
    // one entry at a time: the widget shows the first few in file order, and Properties would shuffle them
    StringWriter out = new StringWriter().append("# tokenlabs-chaos game day ").append(run.runId).append('\n');
    for (Map.Entry<String, String> entry : RunEnvironment.of(run, journal, summary.html()).entrySet()) {
      Properties one = new Properties();
      one.setProperty(entry.getKey(), entry.getValue());
      StringWriter line = new StringWriter();
      one.store(line, null);
      line.toString().lines().filter(l -> !l.startsWith("#")).forEach(l -> out.append(l).append('\n'));
    }
    Files.writeString(resultsDir.resolve("environment.properties"), out.toString(), StandardCharsets.ISO_8859_1);
  }

  /** Allure's {@code executor.json}: who ran the tests, shown in the Executors widget. */
  private record Executor(String name, String type, String buildName, String reportName) {}

  /** One entry of Allure's {@code categories.json}: results of these statuses whose message matches. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  private record Category(String name, List<String> matchedStatuses, String messageRegex) {}

  private void writeExecutor(RunRecord run) throws IOException {
    JSON.writeValue(resultsDir.resolve("executor.json").toFile(),
        new Executor("tokenlabs-chaos", "maven", "Game day " + run.runId, "Game day " + run.runId));
  }

  private void writeCategories() throws IOException {
    List<Category> categories = List.of(
        new Category("DEVIATED: hypothesis did not hold (a finding)", List.of("failed"), null),
        new Category("ERROR: framework or target could not be asked", List.of("broken"), null),
        new Category("BLOCKED: capability absent on this target", List.of("skipped"), "(?s)BLOCKED: .*"),
        new Category("ABORTED: steady state not met before, or dry run", List.of("skipped"), "(?s)ABORTED: .*"));
    JSON.writeValue(resultsDir.resolve("categories.json").toFile(), categories);
  }

  /** Written through the lifecycle's storage only: no thread context is touched at the run's end. */
  private void writeSummaryResult(RunRecord run, Path journal, GameDayReport.Written summary) {
    List<Attachment> attachments = new ArrayList<>();
    attachments.add(attachment("Game-day summary (HTML)", "text/html", ".html", summary.html()));
    attachments.add(attachment("Game-day summary (Markdown)", "text/plain", ".md", summary.markdown()));
    attachments.add(attachment("Journal " + journal.getFileName(), "text/plain", ".jsonl", journal));
    String uuid = UUID.randomUUID().toString();
    String area = GameDayAreas.area("SYNTHESIS");
    String name = "SYNTHESIS Game day summary: run " + run.runId;
    TestResult result = new TestResult().setUuid(uuid)
        .setHistoryId("tokenlabs-chaos-game-day-summary")
        .setName(name)
        .setFullName("tokenlabs-chaos.GameDaySummary")
        .setDescription("The run's summary page, its Markdown and its journal (one JSON event per line).")
        .setStage(Stage.FINISHED)
        .setStatus(Status.PASSED)
        .setStatusDetails(new StatusDetails().setMessage("Summary written; verdicts: " + verdicts(run)))
        .setAttachments(attachments)
        .setLabels(new ArrayList<>(List.of(label("epic", AllureSteps.EPIC), label("feature", area),
            label("story", name), label("parentSuite", AllureSteps.EPIC), label("suite", area))));
    run.started().ifPresent(at -> result.setStart(at.toEpochMilli()));
    run.finished().ifPresent(at -> result.setStop(at.toEpochMilli()));
    lifecycle.scheduleTestCase(result);
    lifecycle.writeTestCase(uuid);
  }

  private static String verdicts(RunRecord run) {
    Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
    run.experiments().forEach(e -> e.verdict().ifPresent(v -> counts.merge(v, 1L, Long::sum)));
    return counts.isEmpty() ? "none" : counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
        .collect(Collectors.joining(", "));
  }

  private Attachment attachment(String name, String type, String extension, Path file) {
    String source = UUID.randomUUID() + "-attachment" + extension;
    try (InputStream in = Files.newInputStream(file)) {
      lifecycle.writeAttachment(source, in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot attach '" + file + "' to the Allure results", e);
    }
    return new Attachment().setName(name).setType(type).setSource(source);
  }

  private static Label label(String name, String value) {
    return new Label().setName(name).setValue(value);
  }
}
