package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.FaultActed;
import run.tokenlabs.chaos.api.event.FaultPrepared;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.engine.fixtures.ChaosMeshPodFailure;
import run.tokenlabs.chaos.engine.testing.EngineRun;
import run.tokenlabs.chaos.faults.ChaosMeshFault.DeleteChaos;

/** A Chaos Mesh fault through the real engine on the mock cluster: a real run, a dry run, and its pending record. */
class ChaosMeshFaultEngineTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("A real run creates the PodChaos, and its rollback deletes it before the steady state is checked again")
  void realRunCreatesAndDeletes() {
    EngineRun engine = new EngineRun(dir.resolve("journal"));

    engine.execute(ChaosMeshPodFailure.class).testEvents().assertStatistics(s -> s.succeeded(1));

    assertThat(engine.verdict()).isEqualTo(Verdict.HELD);
    assertThat(engine.journal(FaultActed.class)).hasSize(1);
    assertThat(engine.journal(RollbackDone.class)).singleElement()
        .satisfies(done -> assertThat(done.rollback()).contains("delete PodChaos token-labs/tokenlabs-podchaos-"));
  }

  @Test
  @DisplayName("Dry run: the PodChaos is journaled as YAML and never created; the experiment ends ABORTED")
  void dryRunPrintsYaml() {
    EngineRun engine = new EngineRun(dir.resolve("journal")).with("dryRun", "true");

    engine.execute(ChaosMeshPodFailure.class).testEvents().assertStatistics(s -> s.aborted(1).failed(0));

    assertThat(engine.verdict()).isEqualTo(Verdict.ABORTED);
    assertThat(engine.journal(FaultActed.class)).isEmpty();
    assertThat(engine.journal(FaultPrepared.class)).singleElement().satisfies(plan -> {
      assertThat(plan.dryRun()).isTrue();
      assertThat(plan.fault()).startsWith("create PodChaos token-labs/tokenlabs-podchaos-")
          .contains("kind: \"PodChaos\"", "action: \"pod-failure\"", "mode: \"one\"", "duration: \"30s\"",
              "- \"token-labs\"", "app: \"llama-3-1-8b\"");
    });
  }

  @Test
  @DisplayName("Its pending record reads back equal in a new run's codec, so a killed run's PodChaos is deleted by the next")
  void pendingRecordRoundTrips() {
    DeleteChaos rollback = new DeleteChaos("token-labs", "PodChaos", "tokenlabs-podchaos-1a2b3c4d", "pod-failure");

    ObjectNode written = RollbackCodec.write(rollback);

    assertThat(written.path("kind").asText()).isEqualTo(DeleteChaos.class.getName());
    assertThat(RollbackCodec.read(written, dir.resolve("pending.jsonl"), 1)).isEqualTo(rollback);
  }
}
