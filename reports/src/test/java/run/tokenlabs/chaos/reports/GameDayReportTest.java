package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.engine.JournalFile;
import run.tokenlabs.chaos.reports.SummaryPage.Gap;
import run.tokenlabs.chaos.reports.SummaryPage.MatrixRow;
import run.tokenlabs.chaos.reports.SummaryPage.NumberRow;
import run.tokenlabs.chaos.reports.SummaryPage.ReportPaths;

class GameDayReportTest {
  static final String RUN = "20261128-200000-ab12";

  @TempDir
  Path dir;

  static Path copyResource(String name, Path dir) throws IOException {
    try (InputStream in = GameDayReportTest.class.getResourceAsStream("/" + name)) {
      assertThat(in).as("test resource " + name).isNotNull();
      Path file = dir.resolve(name);
      Files.copy(in, file);
      return file;
    }
  }

  private SummaryPage page(String resource) throws IOException {
    Path journal = copyResource(resource, dir);
    return new SummaryPage(RunRecord.of(JournalFile.read(journal)),
        new ReportPaths(journal, dir, dir.resolve("allure-report"), dir.resolve("allure-results")));
  }

  @Test
  @DisplayName("the completion matrix has one row per experiment, in journal order, with the verdict's symbol")
  void matrixRows() throws IOException {
    SummaryPage page = page("game-day-journal.jsonl");

    assertThat(page.matrix).extracting(MatrixRow::task, MatrixRow::method, MatrixRow::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("LLMD-3", "deploymentManagedPodRecovers", "✓ HELD"),
        org.assertj.core.groups.Tuple.tuple("LLMD-3", "barePodAbsenceIsAlerted", "✗ DEVIATED"),
        org.assertj.core.groups.Tuple.tuple("FAILURE-2", "nvlinkErrorCountersSteady", "⛔ BLOCKED"),
        org.assertj.core.groups.Tuple.tuple("SLO-1", "baselinePerBucket", "ERROR"),
        org.assertj.core.groups.Tuple.tuple("DCGM-2", "powerTracksUtilisation", "⚠ ABORTED"));
    assertThat(page.counts).containsEntry(Verdict.HELD, 1).containsEntry(Verdict.DEVIATED, 1).hasSize(5);
  }

  @Test
  @DisplayName("the key output is the first finding, else the reason it did not hold, else the figures")
  void keyOutputs() throws IOException {
    List<MatrixRow> rows = page("game-day-journal.jsonl").matrix;

    assertThat(rows.get(0).keyOutput()).isEqualTo("Time to recover (Deployment-managed pod) = 42.5 s");
    assertThat(rows.get(1).keyOutput()).startsWith("Bare pod <script>").contains("[rollback FAILED");
    assertThat(rows.get(2).keyOutput()).isEqualTo(
        "NVLink metrics absent: DCGM exposes no NVLink fields on this node: hardware limitation");
    assertThat(rows.get(3).keyOutput()).startsWith("ProbeException: Prometheus at");
    assertThat(rows.get(4).keyOutput()).startsWith("steady state 'GPU metrics flow' not met");
  }

  @Test
  @DisplayName("every DEVIATED, ERROR, BLOCKED and non-dry-run ABORTED experiment, guard breach and failed rollback is an open gap")
  void gaps() throws IOException {
    List<Gap> gaps = page("game-day-journal.jsonl").gaps;

    assertThat(gaps).extracting(Gap::title).containsExactly(
        "LLMD-3 Force-deleting an inference pod is detected (barePodAbsenceIsAlerted): DEVIATED",
        "LLMD-3 Force-deleting an inference pod is detected (barePodAbsenceIsAlerted): guard 'llama still serves' breached",
        "LLMD-3 Force-deleting an inference pod is detected (barePodAbsenceIsAlerted): rollback failed: "
            + "recreate bare pod deepseek-r1-7b-vllm-leader",
        "FAILURE-2 NVLink failure (nvlinkErrorCountersSteady): BLOCKED",
        "SLO-1 Baseline measurement (baselinePerBucket): ERROR",
        "DCGM-2 Causal chain correlations (powerTracksUtilisation): ABORTED");
    assertThat(gaps.get(0).reason()).startsWith("Alert 'TokenLabsPodAbsent' did not fire within 90 s; last state: inactive")
        .as("what a DEVIATED verdict means, in words").contains("hypothesis did not hold");
    assertThat(gaps.get(2).reason()).contains("409 Conflict").contains("may still be broken");
    assertThat(gaps.get(3).reason()).contains("hardware limitation");
  }

  @Test
  @DisplayName("a NaN key number reads 'no data', never 0, and loses its unit")
  void noDataIsNeverZero() throws IOException {
    SummaryPage page = page("game-day-journal.jsonl");
    NumberRow nan = page.keyNumbers.stream().filter(r -> r.metric().contains("Bucket C")).findFirst().orElseThrow();

    assertThat(nan.value()).isEqualTo("no data (NaN)");
    assertThat(nan.unit()).isEmpty();
    String html = SummaryHtml.render(page);
    String row = html.lines().filter(l -> l.contains("Bucket C")).findFirst().orElseThrow();
    assertThat(row).contains(">no data (NaN)<").doesNotContain(">0<").doesNotContain(">0.0<");
    String md = SummaryMarkdown.render(page);
    assertThat(md.lines().filter(l -> l.contains("Bucket C")).findFirst().orElseThrow())
        .contains("| no data (NaN) |").doesNotContain("| 0 |");
  }

  @Test
  @DisplayName("hostile journal text is escaped in HTML and Markdown")
  void hostileTextIsEscaped() throws IOException {
    SummaryPage page = page("game-day-journal.jsonl");

    String html = SummaryHtml.render(page);
    assertThat(html).doesNotContain("<script").contains("Bare pod &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; | no controller");
    String md = SummaryMarkdown.render(page);
    assertThat(md).as("every tag opener is escaped").doesNotContainPattern("(?<!\\\\)<").contains("Bare pod \\<script>alert('x')\\</script> \\| no controller")
        .as("Markdown escapes with backslashes, never HTML entities").doesNotContain("&lt;").doesNotContain("&gt;");
  }

  @Test
  @DisplayName("the HTML page is self-contained and laid out like the reference page")
  void layout() throws IOException {
    String html = SummaryHtml.render(page("game-day-journal.jsonl"));

    assertThat(html).startsWith("<!DOCTYPE html>").contains("<h1>Game Day — 2026-11-28</h1>");
    assertThat(html.indexOf("Top Findings")).as("findings first").isLessThan(html.indexOf("Completion Matrix"));
    assertThat(html.indexOf("Completion Matrix")).isLessThan(html.indexOf("Open Gaps"));
    assertThat(html.indexOf("Open Gaps")).isLessThan(html.indexOf("Key Numbers"));
    assertThat(html.indexOf("Key Numbers")).isLessThan(html.indexOf("Raw Artifacts"));
    assertThat(html.indexOf("Raw Artifacts")).as("the next run's scope ends the page")
        .isLessThan(html.indexOf("Next Run Scope"));
    assertThat(html).contains("@media print");
    assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("src=").doesNotContain("http://cdn")
        .contains("href=\"game-day-journal.jsonl\"").contains("href=\"allure-report/index.html\"");
    assertThat(html).contains("5 experiments against target &#39;lab&#39;").contains("took 27 s");
  }

  @Test
  @DisplayName("a dry run is flagged, its faults are marked not acted on, and its aborts are not gaps")
  void dryRun() throws IOException {
    SummaryPage page = page("dry-run-journal.jsonl");

    assertThat(page.dryRun).isTrue();
    assertThat(page.gaps).isEmpty();
    assertThat(page.matrix.get(0).keyOutput()).contains("[dry run: fault described, not acted on]");
    assertThat(page.faults).singleElement().satisfies(f -> assertThat(f.outcome()).isEqualTo("dry run: not acted on"));
    assertThat(SummaryHtml.render(page)).contains("<b>Dry run:</b>");
  }

  @Test
  @DisplayName("a journal cut short (killed run) still renders, and says what is missing")
  void truncatedJournal() throws IOException {
    Path journal = copyResource("game-day-journal.jsonl", dir);
    List<String> lines = Files.readAllLines(journal);
    Files.write(journal, lines.subList(0, 14));
    Files.writeString(journal, "{\"type\":\"VerdictReached\",\"schema\":2,\"at\":\"2026-11-28T20:0",
        StandardOpenOption.APPEND);

    SummaryPage page = new SummaryPage(RunRecord.of(JournalFile.read(journal)), new ReportPaths(journal, dir, null, null));

    assertThat(page.matrix).extracting(MatrixRow::status).containsExactly("✓ HELD", "… NO VERDICT");
    assertThat(page.gaps).extracting(Gap::title).contains("Run did not finish", "Journal lines left out")
        .anyMatch(t -> t.endsWith("(barePodAbsenceIsAlerted): no verdict"));
    assertThat(page.gaps).filteredOn(g -> g.title().equals("Journal lines left out")).singleElement()
        .satisfies(g -> assertThat(g.reason()).contains("line 15: ").contains("torn"));
    assertThat(page.artifacts).hasSize(1);
  }

  @Test
  @DisplayName("as a main class it writes summary-<runId>.html and .md next to the journal")
  void mainWritesNextToJournal() throws IOException {
    Path journal = copyResource("game-day-journal.jsonl", dir);

    GameDayReport.Written written = GameDayReport.run(List.of(journal.toString()));

    assertThat(written.html()).isEqualTo(journal.toAbsolutePath().getParent().resolve("summary-" + RUN + ".html"));
    assertThat(Files.readString(written.html(), StandardCharsets.UTF_8)).contains("✗ DEVIATED");
    assertThat(Files.readString(written.markdown(), StandardCharsets.UTF_8))
        .contains("| **FAILURE-2** NVLink failure (`nvlinkErrorCountersSteady`) | ⛔ BLOCKED |");
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void mainRejectsBadArguments() {
    assertThatThrownBy(() -> GameDayReport.run(List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Give one journal file").hasMessageContaining("Usage:");
    assertThatThrownBy(() -> GameDayReport.run(List.of("--compare", "a.jsonl"))).hasMessageContaining("two journals");
    assertThatThrownBy(() -> GameDayReport.run(List.of("--bogus", "a.jsonl"))).hasMessageContaining("Unknown option --bogus");
    assertThatThrownBy(() -> GameDayReport.run(List.of(dir.resolve("missing.jsonl").toString())))
        .hasMessageContaining("Cannot read the journal");
  }
}
