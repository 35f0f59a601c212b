package run.tokenlabs.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;
import run.tokenlabs.chaos.faults.ForceDeletePodFault.RestorePod;

/** How the bare-pod rollback reads the API server's answers to its create (mock server with expectations). */
@EnableKubernetesMockClient
class RestorePodConflictTest {
  private static final String NS = "token-labs";
  private static final String NAME = "deepseek-r1-7b-vllm-leader";
  KubernetesMockServer server;
  KubernetesClient client;
  /** Generous: the undo first polls the pod until it is gone, which took over 5 s once on a loaded machine. */
  private static final Duration UNDO_TIMEOUT = Duration.ofSeconds(60);

  private static Pod manifest() {
    return new PodBuilder().withNewMetadata().withName(NAME).withNamespace(NS).endMetadata()
        .withNewSpec().addNewContainer().withName("vllm").withImage("vllm/vllm-openai:v0.10.2").endContainer()
        .endSpec().build();
  }

  private void createAnswers(int code, String reason) {
    server.expect().post().withPath("/api/v1/namespaces/" + NS + "/pods").andReturn(code, new StatusBuilder()
        .withStatus("Failure").withReason(reason).withCode(code).withMessage("pods \"" + NAME + "\" " + reason)
        .build()).once();
  }

  @Test
  @DisplayName("409 AlreadyExists on recreate: someone recreated the pod first; the undo is done, not a rollback failure")
  void conflictMeansThePodIsBack() throws InterruptedException {
    createAnswers(409, "AlreadyExists");
    RestorePod rollback = new RestorePod(NS, NAME, "app=deepseek-r1-7b", null, 0, manifest());

    rollback.undo(new KubeOnlyTarget("mock", client, () -> { }), UNDO_TIMEOUT);

    assertThat(server.getLastRequest().getMethod()).as("the undo did try to create the pod").isEqualTo("POST");
  }

  @Test
  @DisplayName("Any other refusal of the recreate stays a rollback failure")
  void otherErrorsStayFailures() {
    createAnswers(403, "Forbidden");
    RestorePod rollback = new RestorePod(NS, NAME, "app=deepseek-r1-7b", null, 0, manifest());

    assertThatThrownBy(() -> rollback.undo(new KubeOnlyTarget("mock", client, () -> { }), UNDO_TIMEOUT))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }
}
