package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.TargetActions;
import run.tokenlabs.chaos.engine.testing.EngineRun;

/** Where an action leaves evidence files: the run's journal directory inside an experiment, nowhere outside one. */
class EvidenceDirectoryTest {
  static final AtomicReference<Optional<Path>> SEEN = new AtomicReference<>();

  @TempDir
  Path dir;

  @Test
  @DisplayName("inside an experiment the evidence directory is the run's journal directory")
  void insideAnExperiment() {
    Path journal = dir.resolve("journal");
    new EngineRun(journal).execute(AsksForTheDirectory.class).testEvents().assertStatistics(s -> s.succeeded(1));

    assertThat(SEEN.get()).contains(journal);
  }

  @Test
  @DisplayName("outside an experiment there is none: the caller picks its own place")
  void outsideAnExperiment() {
    assertThat(TargetActions.evidenceDirectory()).isEmpty();
  }

  /** Not run by Surefire on its own (a nested class). */
  @ChaosExperiment(id = "T-EVIDENCE", title = "asks where evidence goes")
  static class AsksForTheDirectory {
    @Test
    void ask(Chaos chaos) {
      SEEN.set(TargetActions.evidenceDirectory());
    }
  }
}
