package run.tokenlabs.chaos.engine.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.SafetyLabels;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.TargetProvider;

/**
 * Test target {@code mock}: a fabric8 mock API server in CRUD mode on loopback, seeded with a
 * labelled {@code token-labs} namespace, an unlabelled {@code scratch} namespace and
 * {@code kube-system}. Each run gets its own server.
 */
public final class MockClusterTargetProvider implements TargetProvider {
  /** The server of the most recent run, for tests that seed or inspect it. */
  public static volatile KubernetesClient lastClient;
  /** The pods ({@code namespace/name}) on the most recent run's server when that run closed it. */
  public static volatile List<String> podsAtClose = List.of();

  @Override
  public String kind() {
    return "mock";
  }

  @Override
  public boolean isEmbedded() {
    return true;
  }

  @Override
  public Target open(ChaosConfig config) throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    seed(client);
    lastClient = client;
    return new KubeOnlyTarget("mock", client, () -> {
      podsAtClose = client.pods().inAnyNamespace().list().getItems().stream()
          .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()).sorted().toList();
      client.close();
      server.destroy();
    });
  }

  public static void seed(KubernetesClient client) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("token-labs")
        .addToLabels(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE).endMetadata().build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("scratch").endMetadata().build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("kube-system").endMetadata().build()).create();
  }
}
