package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.engine.PendingRollbackFile.Leftover;
import run.tokenlabs.chaos.engine.testing.ExecRecordingDispatcher;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;
import run.tokenlabs.chaos.faults.GpuXidFault.ResetXid;
import run.tokenlabs.chaos.engine.testing.MockApiServers;

/**
 * A run killed after injecting an XID leaves its reset in the pending-rollback file; the next run
 * reads it back as the same record and its undo writes 0 into the same GPU's field, by the same pod.
 */
class XidPendingRecoveryTest {
  private static final String DEAD_RUN = "20260101-000000-dead";
  @TempDir
  Path journal;

  @Test
  @DisplayName("A pending XID reset is read back equal by a later run and resets field 230 of the same GPU")
  void pendingResetIsReplayed() throws Exception {
    ResetXid reset = new ResetXid("gpu-operator", "nvidia-dcgm-exporter-fghij", "nvidia-dcgm-exporter", "spark-2",
        0, 79);
    try (PendingRollbackFile pending = PendingRollbackFile.create(journal, DEAD_RUN, PendingLines.KEY)) {
      pending.register(1, reset, "lab", Set.of("gpu-operator"));
    }

    List<Leftover> leftovers = PendingRollbackFile.leftovers(journal, "20260101-000001-next", PendingLines.KEY);

    assertThat(leftovers).singleElement().satisfies(l -> {
      assertThat(l.rollback()).isEqualTo(reset);
      assertThat(l.rollback().namespaces()).containsExactly("gpu-operator");
    });
    ExecRecordingDispatcher dispatcher = new ExecRecordingDispatcher();
    KubernetesMockServer server = MockApiServers.start(dispatcher);
    try (KubernetesClient client = server.createClient()) {
      client.pods().inNamespace("gpu-operator").resource(new io.fabric8.kubernetes.api.model.PodBuilder()
          .withNewMetadata().withName("nvidia-dcgm-exporter-fghij").endMetadata().withNewSpec().addNewContainer()
          .withName("nvidia-dcgm-exporter").endContainer().endSpec().withNewStatus().withPhase("Running")
          .endStatus().build()).create();
      leftovers.get(0).rollback().undo(new KubeOnlyTarget("mock", client, () -> { }), Duration.ofSeconds(20));
    } finally {
      server.destroy();
    }
    assertThat(dispatcher.execs).containsExactly(new ExecRecordingDispatcher.Exec("gpu-operator",
        "nvidia-dcgm-exporter-fghij", "nvidia-dcgm-exporter",
        List.of("dcgmi", "test", "--inject", "--gpuid", "0", "-f", "230", "-v", "0")));
  }
}
