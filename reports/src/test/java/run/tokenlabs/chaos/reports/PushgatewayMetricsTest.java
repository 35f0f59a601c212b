package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
import run.tokenlabs.chaos.engine.JournalFile;

class PushgatewayMetricsTest {
  private static final Instant T0 = Instant.parse("2026-11-28T20:00:00Z");

  @TempDir
  Path dir;

  @Test
  @DisplayName("the fixture game day: times, verdict counts, one-hot verdicts per id and method, key numbers with NaN")
  void gameDay() throws Exception {
    RunRecord run = RunRecord.of(JournalFile.read(GameDayReportTest.copyResource("game-day-journal.jsonl", dir)));
    String text = new PushgatewayMetrics(run).lastRun();

    assertThat(text).contains("tokenlabs_chaos_gameday_start_timestamp_seconds 1795896001\n",
        "tokenlabs_chaos_gameday_end_timestamp_seconds 1795896028\n",
        "tokenlabs_chaos_gameday_success 0\n",
        "tokenlabs_chaos_gameday_experiments{verdict=\"HELD\"} 1\n",
        "tokenlabs_chaos_gameday_experiments{verdict=\"DEVIATED\"} 1\n",
        "tokenlabs_chaos_gameday_experiments{verdict=\"ERROR\"} 1\n",
        "tokenlabs_chaos_experiment_verdict{experiment=\"LLMD-3\",method=\"deploymentManagedPodRecovers\",verdict=\"HELD\"} 1\n",
        "tokenlabs_chaos_experiment_verdict{experiment=\"LLMD-3\",method=\"barePodAbsenceIsAlerted\",verdict=\"DEVIATED\"} 1\n",
        "tokenlabs_chaos_experiment_verdict{experiment=\"LLMD-3\",method=\"barePodAbsenceIsAlerted\",verdict=\"HELD\"} 0\n",
        "tokenlabs_chaos_experiment_key_number{experiment=\"LLMD-3\",method=\"deploymentManagedPodRecovers\","
            + "name=\"Time to recover (Deployment-managed pod)\",unit=\"s\"} 42.5\n",
        "tokenlabs_chaos_experiment_key_number{experiment=\"SLO-1\",method=\"baselinePerBucket\","
            + "name=\"TTFT p95 — Bucket C (Long-Context)\",unit=\"s\"} NaN\n",
        "tokenlabs_chaos_gameday_series_dropped 0\n",
        "# TYPE tokenlabs_chaos_experiment_key_number gauge\n");
    assertThat(text.lines().filter(l -> l.startsWith("tokenlabs_chaos_experiment_verdict{"))).hasSize(5 * 5);
  }

  @Test
  @DisplayName("success needs a HELD and no DEVIATED, ERROR or ABORTED; BLOCKED counts neither way; a dry run never succeeds")
  void success() {
    assertThat(metrics(false, Verdict.HELD, Verdict.BLOCKED).success()).isTrue();
    assertThat(metrics(false, Verdict.BLOCKED).success()).as("nothing ran").isFalse();
    assertThat(metrics(false, Verdict.HELD, Verdict.DEVIATED).success()).isFalse();
    assertThat(metrics(false, Verdict.HELD, Verdict.ABORTED).success()).isFalse();
    assertThat(metrics(false, Verdict.HELD, Verdict.ERROR).success()).isFalse();
    assertThat(metrics(true, Verdict.HELD).success()).isFalse();
    assertThat(metrics(false, Verdict.HELD).lastSuccess())
        .contains("tokenlabs_chaos_gameday_last_success_timestamp_seconds 1795896060\n");
  }

  @Test
  @DisplayName("cardinality is bounded: 64 experiments, 16 key numbers each, 128-character labels; the rest is counted as dropped")
  void bounded() {
    List<ChaosEvent> events = new ArrayList<>();
    events.add(started(false));
    for (int i = 0; i < 70; i++) {
      String name = "E-" + i + " X#m" + i;
      events.add(new ExperimentStarted(T0, "r", name, "E-" + i, "t", "X", "m" + i, "u" + i, 90));
      for (int k = 0; k < 20; k++) {
        events.add(new KeyNumberRecorded(T0, "r", name, new KeyNumber("n" + k + "x".repeat(200), k, "s", "")));
      }
      events.add(new KeyNumberRecorded(T0, "r", name, new KeyNumber("n0" + "x".repeat(200), 99, "s", "again")));
      events.add(new VerdictReached(T0, "r", name, Verdict.HELD, ""));
    }
    String text = new PushgatewayMetrics(RunRecord.of(events)).lastRun();

    assertThat(text.lines().filter(l -> l.startsWith("tokenlabs_chaos_experiment_verdict{"))).hasSize(64 * 5);
    List<String> numbers = text.lines().filter(l -> l.startsWith("tokenlabs_chaos_experiment_key_number{")).toList();
    assertThat(numbers).hasSize(64 * 16).allMatch(l -> l.contains("x".repeat(120) + "…\""));
    assertThat(numbers.get(0)).as("a name recorded twice keeps its last value").endsWith(" 99");
    assertThat(text).contains("tokenlabs_chaos_gameday_series_dropped " + (64 * 4 + 6 * (5 + 21)) + "\n");
  }

  @Test
  @DisplayName("label values are escaped as the text format requires")
  void escaping() {
    List<ChaosEvent> events = List.of(started(false),
        new ExperimentStarted(T0, "r", "e", "Q-1", "t", "X", "m", "u", 90),
        new KeyNumberRecorded(T0, "r", "e", new KeyNumber("a \"quoted\" \\ name\nsecond line", 1.5, "s", "")),
        new VerdictReached(T0, "r", "e", Verdict.HELD, ""));
    assertThat(new PushgatewayMetrics(RunRecord.of(events)).lastRun())
        .contains("name=\"a \\\"quoted\\\" \\\\ name\\nsecond line\",unit=\"s\"} 1.5\n");
  }

  private static PushgatewayMetrics metrics(boolean dryRun, Verdict... verdicts) {
    List<ChaosEvent> events = new ArrayList<>();
    events.add(started(dryRun));
    for (int i = 0; i < verdicts.length; i++) {
      events.add(new ExperimentStarted(T0, "r", "e" + i, "E-" + i, "t", "X", "m" + i, "u" + i, 90));
      events.add(new VerdictReached(T0, "r", "e" + i, verdicts[i], ""));
    }
    events.add(new RunFinished(T0.plusSeconds(60), "r", null, verdicts.length, Map.of()));
    return new PushgatewayMetrics(RunRecord.of(events));
  }

  private static RunStarted started(boolean dryRun) {
    return new RunStarted(T0, "r", null, "lab", "chaos", dryRun, List.of("token-labs"), "journal-r.jsonl", "p.jsonl");
  }
}
