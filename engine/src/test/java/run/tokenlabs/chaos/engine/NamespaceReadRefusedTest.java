package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.engine.config.ConfigLoader;

/** An API server that answers "no" to the namespace check is named as such, not as a server that did not answer. */
@EnableKubernetesMockClient
class NamespaceReadRefusedTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  @DisplayName("403 on the namespace read: the runner may not get namespaces, said so with what to grant; nothing injected")
  void forbiddenIsNotSilence() {
    server.expect().get().withPath("/api/v1/namespaces/token-labs").andReturn(403, new StatusBuilder()
        .withStatus("Failure").withReason("Forbidden").withCode(403)
        .withMessage("namespaces \"token-labs\" is forbidden: User \"system:serviceaccount:x:y\" cannot get resource")
        .build()).always();
    ChaosConfig config = ConfigLoader.load(k -> Optional.empty());

    assertThatThrownBy(() -> SafetyPolicy.checkNamespaces(Set.of("token-labs"), config, client, "force-delete x"))
        .hasMessageContaining("answered 403 Forbidden")
        .hasMessageContaining("nothing was injected")
        .hasMessageContaining("'get' on namespaces")
        .message().doesNotContain("did not answer");
  }
}
