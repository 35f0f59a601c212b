package run.tokenlabs.chaos.scenarios.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client the lab target hands to experiments is bounded like a cluster target's, on the same API server. */
class LabTargetBoundTest {

  @Test
  void experimentsGetABoundedClientOfTheLabsApiServer() {
    var server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient labClient = server.createClient();
         KubernetesClient bounded = LabTarget.boundedClient(labClient, 8 << 10, Map.of())) {
      for (int i = 0; i < 4; i++) {
        labClient.pods().inNamespace("token-labs").resource(new PodBuilder().withNewMetadata().withName("p" + i)
            .addToAnnotations("pad", "x".repeat(4_000)).endMetadata().build()).create();
      }

      assertThat(bounded.getMasterUrl()).isEqualTo(labClient.getMasterUrl());
      assertThat(bounded.pods().inNamespace("token-labs").withName("p3").get()).isNotNull();
      assertThatThrownBy(() -> bounded.pods().inNamespace("token-labs").list())
          .hasMessageContaining("longer than 8192 bytes (kubernetes.maxResponseBytes)");
    } finally {
      server.destroy();
    }
  }
}
