package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.KeyNumberRecorded;
import run.tokenlabs.chaos.api.event.RunFinished;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.api.event.VerdictReached;

class RunHistoryTest {
  private static final Instant T0 = Instant.parse("2026-11-07T20:00:00Z");
  private static final String FIRE = "Time to fire TokenLabsPodAbsent";

  @TempDir
  Path dir;

  @Test
  @DisplayName("the score is HELD over HELD+DEVIATED+ERROR+ABORTED, BLOCKED left out; none for a dry run or nothing evaluated")
  void score() {
    assertThat(RunHistory.score(run("a", 0, false, 1, Verdict.HELD, Verdict.DEVIATED, Verdict.BLOCKED))).hasValue(50.0);
    assertThat(RunHistory.score(run("b", 0, false, 1, Verdict.HELD, Verdict.ERROR, Verdict.ABORTED, Verdict.HELD)))
        .hasValue(50.0);
    assertThat(RunHistory.score(run("c", 0, false, 1, Verdict.HELD, Verdict.BLOCKED))).hasValue(100.0);
    assertThat(RunHistory.score(run("d", 0, false, 1, Verdict.BLOCKED))).isEmpty();
    assertThat(RunHistory.score(run("e", 0, true, 1, Verdict.HELD))).isEmpty();
  }

  @Test
  @DisplayName("the last runs up to this one, dry and later runs left out, with verdicts, numbers and regressions against the previous and the best run")
  void history() {
    RunRecord best = run("r1", 0, false, 30, Verdict.HELD, Verdict.HELD);
    RunRecord previous = run("r2", 7, false, 41, Verdict.HELD, Verdict.HELD);
    RunRecord dry = run("r3", 10, true, 1, Verdict.HELD);
    RunRecord current = run("r4", 14, false, 77, Verdict.HELD, Verdict.DEVIATED, Verdict.BLOCKED);
    RunRecord later = run("r5", 21, false, 10, Verdict.HELD);

    RunHistory history = RunHistory.of(List.of(best, previous, dry, current, later), current);

    assertThat(history.hasEarlierRuns()).isTrue();
    assertThat(history.runs).extracting(RunHistory.RunColumn::runId).containsExactly("r1", "r2", "r4");
    assertThat(history.runs).extracting(RunHistory.RunColumn::score).containsExactly("100", "100", "50");
    assertThat(history.runs.get(2).started()).isEqualTo("2026-11-21 20:00");
    assertThat(history.verdicts).extracting(r -> r.task() + " " + r.method() + " " + r.cells()).containsExactly(
        "E-0 m0 [HELD, HELD, HELD]", "E-1 m1 [HELD, HELD, DEVIATED]", "E-2 m2 [, , BLOCKED]");
    assertThat(history.numbers).filteredOn(n -> n.task().equals("E-0"))
        .singleElement().satisfies(n -> assertThat(n.cells()).containsExactly("30", "41", "77"));
    assertThat(history.regressions).containsExactly(
        "E-0: " + FIRE + ": 77 s, was 41 s last run, best 30 s in run r1",
        "E-1: " + FIRE + ": 77 s, was 41 s last run, best 30 s in run r1");
  }

  @Test
  @DisplayName("within 1.5 times the previous and the best run nothing is flagged; a run alone has no history")
  void noRegression() {
    RunRecord previous = run("r1", 0, false, 60, Verdict.HELD);
    RunRecord current = run("r2", 7, false, 77, Verdict.HELD);
    assertThat(RunHistory.of(List.of(previous, current), current).regressions).isEmpty();
    assertThat(RunHistory.of(List.of(current), current).hasEarlierRuns()).isFalse();
  }

  @Test
  @DisplayName("the summary of the second run in a journal directory shows both runs and the regression")
  void summaryOfTheSecondRun() throws Exception {
    Path current = GameDayReportTest.copyResource("game-day-journal.jsonl", dir);
    String earlier = Files.readString(GameDayReportTest.copyResource("held-journal.jsonl",
        Files.createDirectories(dir.resolve("fixtures"))), StandardCharsets.UTF_8)
        .replace("20261128-200000-ab12", "20261121-200000-cd34").replace("2026-11-28T", "2026-11-21T")
        .replace("\"value\": 42.5", "\"value\": 20.0");
    Files.writeString(dir.resolve("journal-20261121-200000-cd34.jsonl"), earlier, StandardCharsets.UTF_8);

    GameDayReport.Written written = GameDayReport.writeSummary(current, dir, null, null);

    String md = Files.readString(written.markdown());
    assertThat(md).contains("## History", "20261121-200000-cd34", "20261128-200000-ab12",
        "- **Regressed:** LLMD-3: Time to recover (Deployment-managed pod): 42.5 s, was 20 s last run",
        "| Resilience score | | 100 | 25 |");
    assertThat(Files.readString(written.html())).contains("<h2>History</h2>",
        "<b>Regressed:</b> LLMD-3: Time to recover (Deployment-managed pod): 42.5 s, was 20 s last run");
  }

  /** A run of experiments E-0.., each with one time to fire of {@code seconds}, started {@code days} after T0. */
  private static RunRecord run(String id, int days, boolean dryRun, double seconds, Verdict... verdicts) {
    Instant at = T0.plus(Duration.ofDays(days));
    List<ChaosEvent> events = new ArrayList<>();
    events.add(new RunStarted(at, id, null, "lab", "chaos", dryRun, List.of("token-labs"), "j", "p"));
    for (int i = 0; i < verdicts.length; i++) {
      events.add(new ExperimentStarted(at, id, "e" + i, "E-" + i, "t", "X", "m" + i, "u" + i, 90));
      events.add(new KeyNumberRecorded(at, id, "e" + i, new KeyNumber(FIRE, seconds, "s", "")));
      events.add(new VerdictReached(at, id, "e" + i, verdicts[i], ""));
    }
    events.add(new RunFinished(at.plusSeconds(60), id, null, verdicts.length, Map.of()));
    return RunRecord.of(events);
  }
}
