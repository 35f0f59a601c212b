package run.tokenlabs.chaos.scenarios.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RollbackFailed;
import run.tokenlabs.chaos.api.event.VerdictReached;
import run.tokenlabs.chaos.testkit.ExperimentJournal;
import run.tokenlabs.chaos.testkit.GameDayJournal;

/**
 * The README's example runs against the lab and HOLDS. Run through the JUnit Platform so that an
 * ABORTED or BLOCKED example (a skip) cannot pass unnoticed.
 */
class ReadmeExampleIT {

  @Test
  @DisplayName("The README example force-deletes the Llama pod, sees it replaced, and its verdict is HELD")
  void exampleHolds() {
    Path journalDir = Path.of("target", "readme-example");

    EngineTestKit.engine("junit-jupiter")
        .configurationParameter("tokenlabs.chaos.target", "lab")
        .configurationParameter("tokenlabs.chaos.journal.dir", journalDir.toString())
        .selectors(selectClass(LlamaPodRecoversIT.class)).execute()
        .testEvents().assertStatistics(s -> s.succeeded(1).failed(0).aborted(0));

    ExperimentJournal example = GameDayJournal.newestIn(journalDir).onlyExperiment();
    assertThat(example.verdict()).map(VerdictReached::verdict).contains(Verdict.HELD);
    assertThat(example.keyNumbers()).singleElement().satisfies(k -> assertThat(k.value()).isPositive());
    assertThat(example.events(RollbackDone.class)).hasSize(1);
    assertThat(example.events(RollbackFailed.class)).isEmpty();
  }
}
