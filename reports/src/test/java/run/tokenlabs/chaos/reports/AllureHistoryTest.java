package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllureHistoryTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("the previous report's history/ is copied into the results, so Allure's trend widgets show both runs")
  void carriesTheHistory() throws Exception {
    Path report = Files.createDirectories(dir.resolve("allure-report/history"));
    Files.writeString(report.resolve("history-trend.json"), "[{\"data\":{\"passed\":3}}]");
    Files.writeString(report.resolve("history.json"), "{}");
    Path results = dir.resolve("allure-results");

    assertThat(AllureHistory.carry(dir.resolve("allure-report"), results)).hasSize(2);
    assertThat(results.resolve("history/history-trend.json")).hasContent("[{\"data\":{\"passed\":3}}]");
    assertThat(results.resolve("history/history.json")).exists();
  }

  @Test
  @DisplayName("a history already in the results (the Maven build copied it) is left alone; no previous report writes nothing")
  void leavesAnExistingHistoryAndWritesNothingWithoutAReport() throws Exception {
    Path results = dir.resolve("allure-results");
    assertThat(AllureHistory.carry(dir.resolve("allure-report"), results)).isEmpty();
    assertThat(results).doesNotExist();

    Path report = Files.createDirectories(dir.resolve("allure-report/history"));
    Files.writeString(report.resolve("history-trend.json"), "[\"new\"]");
    Files.createDirectories(results.resolve("history"));
    Files.writeString(results.resolve("history/history-trend.json"), "[\"kept\"]");
    assertThat(AllureHistory.carry(dir.resolve("allure-report"), results)).isEmpty();
    assertThat(results.resolve("history/history-trend.json")).hasContent("[\"kept\"]");
  }
}
