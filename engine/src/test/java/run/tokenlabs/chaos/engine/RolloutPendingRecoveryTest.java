package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
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
import run.tokenlabs.chaos.faults.RollingRestartFault.AwaitRollout;

/**
 * A run killed during a rolling restart leaves its wait in the pending-rollback file; the next run reads it
 * back as the same record, and its undo waits for the same rollout: it fails while a pod of the old template
 * runs, and completes once every pod carries the restart's annotation and as many are Ready.
 */
@EnableKubernetesMockClient(crud = true)
class RolloutPendingRecoveryTest {
  private static final String DEAD_RUN = "20260101-000000-dead";
  private static final String NS = "token-labs";
  private static final String RESTARTED_AT = "2026-01-01T00:00:00Z";
  KubernetesClient client;
  @TempDir
  Path journal;

  @Test
  @DisplayName("A pending rollout wait is read back equal by a later run and waits for the same Deployment's pods")
  void pendingWaitIsReplayed() throws Exception {
    AwaitRollout wait = new AwaitRollout(NS, "llama-3-1-8b", "app=llama-3-1-8b", RESTARTED_AT, 1);
    try (PendingRollbackFile pending = PendingRollbackFile.create(journal, DEAD_RUN, PendingLines.KEY)) {
      pending.register(1, wait, "lab", Set.of(NS));
    }

    List<Leftover> leftovers = PendingRollbackFile.leftovers(journal, "20260101-000001-next", PendingLines.KEY);

    assertThat(leftovers).singleElement().satisfies(l -> assertThat(l.rollback()).isEqualTo(wait));
    KubeOnlyTarget target = new KubeOnlyTarget("crud-mock", client, () -> { });
    pod("llama-3-1-8b-old", null);
    assertThatThrownBy(() -> leftovers.get(0).rollback().undo(target, Duration.ofMillis(500)))
        .hasMessageContaining("llama-3-1-8b");

    client.pods().inNamespace(NS).withName("llama-3-1-8b-old").delete();
    pod("llama-3-1-8b-new", RESTARTED_AT);
    leftovers.get(0).rollback().undo(target, Duration.ofSeconds(5));
  }

  private void pod(String name, String restartedAt) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).addToLabels("app", "llama-3-1-8b")
        .endMetadata().withNewSpec().addNewContainer().withName("vllm").endContainer().endSpec()
        .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
        .endStatus();
    if (restartedAt != null) {
      pod.editMetadata().addToAnnotations("kubectl.kubernetes.io/restartedAt", restartedAt).endMetadata();
    }
    client.pods().inNamespace(NS).resource(pod.build()).create();
  }
}
