package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.engine.PendingRollbackFile.Leftover;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;
import run.tokenlabs.chaos.faults.DrainNodeFault.Uncordon;

/**
 * A run killed while a node is cordoned leaves its uncordon in the pending-rollback file; the next run reads
 * it back as the same record, and its undo puts the node's spec.unschedulable back.
 */
@EnableKubernetesMockClient(crud = true)
class DrainPendingRecoveryTest {
  private static final String DEAD_RUN = "20260101-000000-dead";
  KubernetesClient client;
  @TempDir
  Path journal;

  @Test
  @DisplayName("A pending uncordon is read back equal (an unset value stays unset) and uncordons the node")
  void pendingUncordonIsReplayed() throws Exception {
    Uncordon uncordon = new Uncordon("spark-02", null);
    try (PendingRollbackFile pending = PendingRollbackFile.create(journal, DEAD_RUN, PendingLines.KEY)) {
      pending.register(1, uncordon, "lab", Set.of("token-labs"));
    }
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("spark-02").endMetadata().withNewSpec()
        .withUnschedulable(true).endSpec().build()).create();

    List<Leftover> leftovers = PendingRollbackFile.leftovers(journal, "20260101-000001-next", PendingLines.KEY);

    assertThat(leftovers).singleElement().satisfies(l -> assertThat(l.rollback()).isEqualTo(uncordon));
    leftovers.get(0).rollback().undo(new KubeOnlyTarget("mock", client, () -> { }), Duration.ofSeconds(5));
    assertThat(client.nodes().withName("spark-02").get().getSpec().getUnschedulable()).isNull();
  }
}
