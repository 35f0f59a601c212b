package run.tokenlabs.chaos.engine.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.engine.api.ChaosConfig;
import run.tokenlabs.chaos.engine.api.PrometheusEndpoint;
import run.tokenlabs.chaos.engine.api.SafetyLabels;
import run.tokenlabs.chaos.engine.api.Target;
import run.tokenlabs.chaos.engine.api.TargetProvider;

/**
 * Test target {@code mock}: a fabric8 mock API server in CRUD mode on loopback, seeded with a
 * labelled {@code token-labs} namespace, an unlabelled {@code scratch} namespace and
 * {@code kube-system}. Each run gets its own server.
 */
public final class MockClusterTargetProvider implements TargetProvider {
  /** The server of the most recent run, for tests that seed or inspect it. */
  public static volatile KubernetesClient lastClient;

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
    return new MockTarget(server, client);
  }

  public static void seed(KubernetesClient client) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("token-labs")
        .addToLabels(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE).endMetadata().build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("scratch").endMetadata().build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("kube-system").endMetadata().build()).create();
  }

  private record MockTarget(KubernetesMockServer server, KubernetesClient kubernetes) implements Target {
    @Override
    public String name() {
      return "mock";
    }

    @Override
    public Optional<PrometheusEndpoint> prometheus() {
      return Optional.empty();
    }

    @Override
    public Optional<URI> gateway() {
      return Optional.empty();
    }

    @Override
    public Map<String, URI> models() {
      return Map.of();
    }

    @Override
    public List<URI> dcgmExporters() {
      return List.of();
    }

    @Override
    public void close() {
      kubernetes.close();
      server.destroy();
    }
  }
}
