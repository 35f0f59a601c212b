package run.tokenlabs.chaos.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.engine.config.ConfigLoader;
import run.tokenlabs.chaos.engine.testing.TestKubeconfig;

/** The cluster target's client reads no response longer than {@code kubernetes.maxResponseBytes}. */
class ClusterTargetBoundTest {
  @TempDir
  Path dir;
  private KubernetesMockServer server;
  private KubernetesClient seeder;
  private TestKubeconfig kubeconfig;

  @BeforeEach
  void start() throws IOException {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    seeder = server.createClient();
    kubeconfig = TestKubeconfig.install(dir, "mock", seeder.getMasterUrl().toString(), "mock-ctx");
  }

  @AfterEach
  void stop() {
    kubeconfig.close();
    seeder.close();
    server.destroy();
  }

  @Test
  void theConfiguredBoundApplies() throws Exception {
    for (int i = 0; i < 4; i++) {
      seeder.pods().inNamespace("token-labs").resource(new PodBuilder().withNewMetadata().withName("p" + i)
          .addToAnnotations("pad", "x".repeat(4_000)).endMetadata().build()).create();
    }
    Map<String, String> props = Map.of("tokenlabs.chaos.target", "cluster",
        "tokenlabs.chaos.namespaces.allowed", "token-labs", "tokenlabs.chaos.kubernetes.allowedContexts", "mock-ctx",
        "tokenlabs.chaos.kubernetes.maxResponseBytes", "8KiB");

    try (Target target = new ClusterTargetProvider().open(ConfigLoader.load(k -> Optional.ofNullable(props.get(k))))) {
      assertThat(target.kubernetes().pods().inNamespace("token-labs").withName("p0").get()).isNotNull();
      assertThatThrownBy(() -> target.kubernetes().pods().inNamespace("token-labs").list())
          .hasMessageContaining("longer than 8192 bytes (kubernetes.maxResponseBytes)");
    }
  }
}
