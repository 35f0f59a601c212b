package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.engine.config.ConfigLoader;

class SafetyPolicyTest {

  @Test
  @DisplayName("An API server that does not answer is an error naming where it tried, not a safety refusal")
  void apiServerDown() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ChaosConfig config = ConfigLoader.load(k -> Optional.empty());
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + port).withRequestRetryBackoffLimit(0).withConnectionTimeout(2000)
        .withRequestTimeout(2000).build()).build()) {

      assertThatThrownBy(() -> SafetyPolicy.checkNamespaces(Set.of("token-labs"), config, client, "force-delete x"))
          .isInstanceOf(IllegalStateException.class)
          .isNotInstanceOf(ChaosConfigException.class)
          .hasMessageContaining("Cannot check namespace 'token-labs' before fault 'force-delete x'")
          .hasMessageContaining("127.0.0.1:" + port)
          .hasMessageContaining("nothing was injected");
    }
  }
}
