package run.tokenlabs.chaos.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.FaultActed;
import run.tokenlabs.chaos.api.event.VerdictReached;

class GameDayJournalTest {
  private static final String EARLIER = """
      {"type":"RunStarted","schema":2,"at":"2026-11-28T20:00:00Z","runId":"zz-earlier","experiment":null,"target":"lab","profile":"test","dryRun":false,"allowedNamespaces":[],"journal":"j","pendingRollbacks":"p"}
      """;
  private static final String LATER = """
      {"type":"RunStarted","schema":2,"at":"2026-11-28T21:00:00Z","runId":"aa-later","experiment":null,"target":"lab","profile":"test","dryRun":false,"allowedNamespaces":[],"journal":"j","pendingRollbacks":"p"}
      {"type":"ExperimentStarted","schema":2,"at":"2026-11-28T21:00:01Z","runId":"aa-later","experiment":"X-1 Fixture#first","id":"X-1","title":"t","className":"run.tokenlabs.chaos.testkit.GameDayJournalTest$Fixture","method":"first","uniqueId":"u1","recoveryTimeoutSeconds":90}
      {"type":"ExperimentStarted","schema":2,"at":"2026-11-28T21:00:02Z","runId":"aa-later","experiment":"X-2 Fixture#second","id":"X-2","title":"t","className":"run.tokenlabs.chaos.testkit.GameDayJournalTest$Fixture","method":"second","uniqueId":"u2","recoveryTimeoutSeconds":90}
      {"type":"FaultActed","schema":2,"at":"2026-11-28T21:00:03Z","runId":"aa-later","experiment":"X-1 Fixture#first","fault":"force-delete pod"}
      {"type":"FindingRecorded","schema":2,"at":"2026-11-28T21:00:04Z","runId":"aa-later","experiment":"X-1 Fixture#first","finding":{"title":"bare pod","statement":"no controller","evidence":"kubectl"}}
      {"type":"KeyNumberRecorded","schema":2,"at":"2026-11-28T21:00:05Z","runId":"aa-later","experiment":"X-2 Fixture#second","keyNumber":{"name":"peak","value":"NaN","unit":"%","note":""}}
      {"type":"KeyNumberRecorded","schema":2,"at":"2026-11-28T21:00:06Z","runId":"aa-later","experiment":"X-1 Fixture#first","keyNumber":{"name":"recovery","value":42.5,"unit":"s","note":"n=1"}}
      {"type":"VerdictReached","schema":2,"at":"2026-11-28T21:00:07Z","runId":"aa-later","experiment":"X-1 Fixture#first","verdict":"DEVIATED","message":"no alert"}
      """;

  @TempDir
  Path dir;

  /** Test methods the journal above names. */
  static class Fixture {
    void first() {
    }

    void second() {
    }

    void third() {
    }
  }

  private GameDayJournal twoRuns() throws IOException {
    Files.writeString(dir.resolve("journal-zz-earlier.jsonl"), EARLIER);
    Files.writeString(dir.resolve("journal-aa-later.jsonl"), LATER);
    return GameDayJournal.newestIn(dir);
  }

  @Test
  @DisplayName("newestIn is the run that started last, whatever the file names")
  void newestRun() throws IOException {
    assertThat(twoRuns().runId()).isEqualTo("aa-later");
  }

  @Test
  @DisplayName("an experiment's events, verdict, findings and key numbers, and nothing of the others")
  void oneExperiment() throws IOException {
    ExperimentJournal first = twoRuns().experiment("X-1 Fixture#first");

    assertThat(first.events()).hasSize(5).allMatch(e -> "X-1 Fixture#first".equals(e.experiment()));
    assertThat(first.verdict()).map(VerdictReached::verdict).contains(Verdict.DEVIATED);
    assertThat(first.findings()).containsExactly(new Finding("bare pod", "no controller", "kubectl"));
    assertThat(first.keyNumbers()).containsExactly(new KeyNumber("recovery", 42.5, "s", "n=1"));
    assertThat(first.events(FaultActed.class)).extracting(FaultActed::fault).containsExactly("force-delete pod");
  }

  @Test
  @DisplayName("an experiment without a verdict has none; its NaN key number stays NaN")
  void noVerdict() throws IOException {
    ExperimentJournal second = twoRuns().experiment("X-2 Fixture#second");

    assertThat(second.verdict()).isEmpty();
    assertThat(second.keyNumbers()).singleElement().satisfies(k -> assertThat(k.value()).isNaN());
  }

  @Test
  @DisplayName("an experiment is found by its test method, through the class and method it journaled")
  void byTestMethod() throws Exception {
    GameDayJournal journal = twoRuns();

    assertThat(journal.experiment(Fixture.class.getDeclaredMethod("second")).name()).isEqualTo("X-2 Fixture#second");
    ExperimentJournal notRun = journal.experiment(Fixture.class.getDeclaredMethod("third"));
    assertThat(notRun.events()).isEmpty();
    assertThat(notRun.name()).isEqualTo("Fixture#third (did not start)");
  }

  @Test
  @DisplayName("experiments in the order they started; onlyExperiment refuses a run of two, naming them")
  void experiments() throws IOException {
    GameDayJournal journal = twoRuns();

    assertThat(journal.experiments()).extracting(ExperimentJournal::name)
        .containsExactly("X-1 Fixture#first", "X-2 Fixture#second");
    assertThatThrownBy(journal::onlyExperiment).isInstanceOf(AssertionError.class)
        .hasMessageContaining("found 2: [X-1 Fixture#first, X-2 Fixture#second]");
  }

  @Test
  @DisplayName("a directory without a journal says the run did not start, and where it looked")
  void noJournal() {
    assertThatThrownBy(() -> GameDayJournal.newestIn(dir)).isInstanceOf(AssertionError.class)
        .hasMessageContaining(dir.toAbsolutePath().toString()).hasMessageContaining("the run did not start");
  }
}
