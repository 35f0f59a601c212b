package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.engine.JournalFile;
import run.tokenlabs.chaos.reports.RunComparison.Row;

class RunComparisonTest {
  @TempDir
  Path dir;

  @Test
  void keyNumbersSideBySideWithDeltasAndNoDeltaForNoData() throws IOException {
    Path baseline = GameDayReportTest.copyResource("game-day-journal.jsonl", dir);
    Path current = dir.resolve("journal-current.jsonl");
    Files.writeString(current, Files.readString(baseline)
        .replace("20261128-200000-ab12", "20261129-200000-ef56")
        .replace("\"value\": 42.5", "\"value\": 30.0")
        .replace("\"verdict\": \"DEVIATED\"", "\"verdict\": \"HELD\""));

    GameDayReport.Written written = GameDayReport.run(List.of("--compare", baseline.toString(), current.toString()));
    RunComparison comparison = new RunComparison(RunRecord.of(JournalFile.read(baseline)), RunRecord.of(JournalFile.read(current)));

    Row recover = comparison.rows.stream().filter(r -> r.metric().startsWith("Time to recover")).findFirst().orElseThrow();
    assertThat(recover.delta()).isEqualTo("-12.5");
    assertThat(recover.deltaPercent()).isEqualTo("-29.4118 %");
    Row nan = comparison.rows.stream().filter(r -> r.metric().contains("Bucket C")).findFirst().orElseThrow();
    assertThat(nan.delta()).isEqualTo("—");
    assertThat(comparison.verdicts).filteredOn(RunComparison.VerdictRow::changed).singleElement()
        .satisfies(v -> assertThat(v.current()).isEqualTo("✓ HELD"));
    assertThat(written.markdown().getFileName().toString()).isEqualTo("comparison-20261128-200000-ab12-vs-20261129-200000-ef56.md");
    assertThat(Files.readString(written.html())).contains("-12.5").doesNotContain("<script");
  }
}
