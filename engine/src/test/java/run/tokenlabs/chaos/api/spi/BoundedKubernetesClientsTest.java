package run.tokenlabs.chaos.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The bounded client on fabric8's mock API server: a response over the bound fails naming it; watches still work. */
class BoundedKubernetesClientsTest {
  private static final String NS = "token-labs";
  private static final int BOUND = 32 << 10;
  private static final Duration EVENTS_WAIT = Duration.ofSeconds(60);
  private KubernetesMockServer server;
  private KubernetesClient seeder;
  private KubernetesClient bounded;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    seeder = server.createClient();
    bounded = BoundedKubernetesClients.build(seeder.getConfiguration(), BOUND);
  }

  @AfterEach
  void stop() {
    bounded.close();
    seeder.close();
    server.destroy();
  }

  @Test
  @DisplayName("a list longer than the bound fails naming the call, the bound and its key; a small read still works")
  void responseOverTheBound() {
    for (int i = 0; i < 10; i++) {
      seeder.pods().inNamespace(NS).resource(pod("p" + i, 8_000)).create();
    }

    assertThat(bounded.pods().inNamespace(NS).withName("p1").get()).isNotNull();
    assertThatThrownBy(() -> bounded.pods().inNamespace(NS).list())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("GET " + seeder.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/"
            + NS + "/pods")
        .hasMessageContaining("longer than " + BOUND + " bytes (kubernetes.maxResponseBytes)")
        .hasMessageContaining("raise kubernetes.maxResponseBytes")
        .hasRootCauseInstanceOf(KubernetesResponseTooLargeException.class);
  }

  @Test
  @DisplayName("a watch is bounded per event, not per connection: many events under the bound all arrive, "
      + "a single event over it ends the watch with the bound named")
  void watchIsBoundedPerEvent() {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicReference<WatcherException> closed = new AtomicReference<>();
    try (Watch watch = bounded.pods().inNamespace(NS).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        seen.add(pod.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {
        closed.set(cause);
      }
    })) {
      for (int i = 0; i < 10; i++) {
        seeder.pods().inNamespace(NS).resource(pod("w" + i, 8_000)).create();
      }
      await().atMost(EVENTS_WAIT).until(() -> seen.size() == 10);
      assertThat(closed.get()).as("80 KB of events through a 32 KiB bound").isNull();

      seeder.pods().inNamespace(NS).resource(pod("huge", 64_000)).create();

      await().atMost(EVENTS_WAIT).until(() -> closed.get() != null);
      assertThat(seen).doesNotContain("huge");
      Assertions.assertThat(closed.get()).hasStackTraceContaining(String.valueOf(BOUND));
    }
  }

  static Pod pod(String name, int annotationBytes) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .addToAnnotations("pad", "x".repeat(annotationBytes)).endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().build();
  }
}
