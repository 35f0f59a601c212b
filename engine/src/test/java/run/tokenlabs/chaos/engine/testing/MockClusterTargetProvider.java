package run.tokenlabs.chaos.engine.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.SafetyLabels;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.TargetProvider;

/**
 * Test target {@code mock}: a fabric8 mock API server in CRUD mode on loopback, seeded with a
 * labelled {@code token-labs} namespace, an unlabelled {@code scratch} namespace and
 * {@code kube-system}. Each run gets its own server. The core/v1 Events created on it are kept in
 * {@link #createdEvents}, since the server is gone once the run ends; with {@link #refuseEvents} set, it
 * answers their creation 403, as a cluster does to a runner without {@code events create}.
 */
public final class MockClusterTargetProvider implements TargetProvider {
  /** The server of the most recent run, for tests that seed or inspect it. */
  public static volatile KubernetesClient lastClient;
  /** The pods ({@code namespace/name}) on the most recent run's server when that run closed it. */
  public static volatile List<String> podsAtClose = List.of();
  /** The bodies of the Events created on any run's server, in order. */
  public static final List<String> createdEvents = new CopyOnWriteArrayList<>();
  /** When set, creating an Event is refused with 403 Forbidden. */
  public static volatile boolean refuseEvents;

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
    KubernetesMockServer server = MockApiServers.start(new EventAwareDispatcher());
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

  /** The CRUD dispatcher, with Event creation recorded or refused. */
  private static final class EventAwareDispatcher extends KubernetesCrudDispatcher {
    EventAwareDispatcher() {
      super(List.of());
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
      if (!request.getPath().matches("/api/v1/namespaces/[^/]+/events(\\?.*)?")) {
        return super.handleCreate(request);
      }
      if (refuseEvents) {
        return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
            + "\"status\":\"Failure\",\"message\":\"events is forbidden: User \\\"system:serviceaccount:"
            + "tokenlabs-chaos:tokenlabs-chaos\\\" cannot create resource \\\"events\\\" in API group \\\"\\\" in the "
            + "namespace \\\"token-labs\\\"\",\"reason\":\"Forbidden\",\"code\":403}");
      }
      // getBytes, not getUtf8Body: reading the body would leave nothing for the CRUD store
      createdEvents.add(new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
      return super.handleCreate(request);
    }
  }

  public static void seed(KubernetesClient client) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("token-labs")
        .addToLabels(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE).endMetadata().build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("scratch").endMetadata().build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("kube-system").endMetadata().build()).create();
  }
}
