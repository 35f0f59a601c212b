package run.tokenlabs.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;
import run.tokenlabs.chaos.faults.RollingRestartFault.AwaitRollout;

/** The rolling restart and its wait for the rollout, against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class RollingRestartFaultTest {
  private static final String NS = "token-labs";
  KubernetesClient client;
  Target target;

  @BeforeEach
  void setUp() {
    target = new KubeOnlyTarget("crud-mock", client, () -> { });
    client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata()
        .withName("llama-3-1-8b").endMetadata().withNewSpec().withReplicas(2).withNewSelector()
        .addToMatchLabels("app", "llama-3-1-8b").endSelector().withNewTemplate().withNewMetadata()
        .addToLabels("app", "llama-3-1-8b").addToAnnotations("team", "serving").endMetadata().withNewSpec()
        .addNewContainer().withName("vllm").withImage("vllm/vllm-openai:v0.10.1").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
    pod("llama-3-1-8b-old-1", null);
    pod("llama-3-1-8b-old-2", null);
  }

  @Test
  @DisplayName("The pod template gets kubectl's restartedAt annotation; the other template annotations stay")
  void setsTheRestartAnnotation() {
    RollingRestartFault fault = Faults.rollingRestart(NS, "llama-3-1-8b");

    AwaitRollout rollback = fault.prepare(target);
    fault.act(target, rollback);

    var annotations = client.apps().deployments().inNamespace(NS).withName("llama-3-1-8b").get().getSpec()
        .getTemplate().getMetadata().getAnnotations();
    assertThat(annotations).containsEntry(RollingRestartFault.RESTARTED_AT, rollback.restartedAt())
        .containsEntry("team", "serving");
    assertThat(rollback.readyBefore()).isEqualTo(2);
    assertThat(rollback.selector()).isEqualTo("app=llama-3-1-8b");
  }

  @Test
  @DisplayName("The rollback waits until every pod is restarted and as many are Ready; until then it fails saying what it saw")
  void rollbackWaitsForTheRollout() {
    RollingRestartFault fault = Faults.rollingRestart(NS, "llama-3-1-8b");
    AwaitRollout rollback = fault.prepare(target);
    fault.act(target, rollback);
    pod("llama-3-1-8b-new-1", rollback.restartedAt());

    assertThatThrownBy(() -> rollback.undo(target, Duration.ofMillis(600)))
        .hasMessageContaining("did not finish within 0 s (expected no old pod and 2 Ready; seen 2 pods not yet "
            + "restarted, 1 restarted and Ready)")
        .hasMessageContaining("kubectl rollout status deployment/llama-3-1-8b -n token-labs");

    client.pods().inNamespace(NS).withName("llama-3-1-8b-old-1").delete();
    client.pods().inNamespace(NS).withName("llama-3-1-8b-old-2").delete();
    pod("llama-3-1-8b-new-2", rollback.restartedAt());
    rollback.undo(target, Duration.ofSeconds(5));
    rollback.undo(target, Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("A missing Deployment fails prepare with how to look, and nothing is patched")
  void missingDeployment() {
    assertThatThrownBy(() -> Faults.rollingRestart(NS, "nope").prepare(target))
        .hasMessage("no Deployment 'nope' in namespace 'token-labs'; check with 'kubectl get deployments -n token-labs'");
  }

  private void pod(String name, String restartedAt) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).addToLabels("app", "llama-3-1-8b").endMetadata()
        .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
    if (restartedAt != null) {
      b.editMetadata().addToAnnotations(RollingRestartFault.RESTARTED_AT, restartedAt).endMetadata();
    }
    client.pods().inNamespace(NS).resource(b.build()).create();
  }
}
