package run.tokenlabs.chaos.lab.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.lab.api.LabProfile;

/** The lab's reconciler honours a cordon: no replacement is placed on an unschedulable node until it is uncordoned. */
class CordonTest {
  @TempDir
  Path dir;
  KubeApi api;
  KubernetesClient client;
  Reconciler reconciler;
  final List<String> started = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    api = new KubeApi(dir);
    client = api.client();
    LabProfile profile = LabProfile.gb10();
    Topology.seed(client, profile);
    reconciler = new Reconciler(client, profile, (pod, model) -> {
      started.add(pod);
      return new PodRuntime.Process() {
        @Override
        public URI uri() {
          return URI.create("http://127.0.0.1:1");
        }

        @Override
        public boolean serving() {
          return true;
        }

        @Override
        public void close() {
        }
      };
    }).start();
  }

  @AfterEach
  void stop() {
    reconciler.close();
    api.close();
  }

  @Test
  @DisplayName("Llama's replacement stays Pending (FailedScheduling) while spark-02 is cordoned, and starts there once uncordoned")
  void replacementWaitsForTheUncordon() {
    Pod llama = llamaPods().get(0);
    Awaitility.await("the seeded Llama pod to start").atMost(Duration.ofSeconds(10))
        .until(() -> started.contains(llama.getMetadata().getName()));
    client.nodes().withName("spark-02").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"unschedulable\":true}}");

    client.pods().inNamespace(Topology.NAMESPACE).withName(llama.getMetadata().getName()).delete();

    Awaitility.await("a Pending replacement").atMost(Duration.ofSeconds(10))
        .until(() -> llamaPods().stream().anyMatch(p -> !p.getMetadata().getName().equals(llama.getMetadata().getName())));
    Pod pending = llamaPods().stream().filter(p -> !p.getMetadata().getName().equals(llama.getMetadata().getName()))
        .findFirst().orElseThrow();
    assertThat(pending.getSpec().getNodeName()).isNull();
    assertThat(pending.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(pending.getStatus().getConditions()).anySatisfy(c -> assertThat(c.getReason()).isEqualTo("Unschedulable"));
    assertThat(started).doesNotContain(pending.getMetadata().getName());
    // the scheduler's event is written after the Pending pod is created: await it
    Awaitility.await("a FailedScheduling event").atMost(Duration.ofSeconds(10)).until(() -> client.v1().events()
        .inNamespace(Topology.NAMESPACE).list().getItems().stream().anyMatch(e -> "FailedScheduling".equals(e.getReason())));

    client.nodes().withName("spark-02").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"unschedulable\":null}}");

    Awaitility.await("the replacement bound to spark-02 and started").atMost(Duration.ofSeconds(10))
        .until(() -> started.contains(pending.getMetadata().getName()));
    assertThat(client.pods().inNamespace(Topology.NAMESPACE).withName(pending.getMetadata().getName()).get()
        .getSpec().getNodeName()).isEqualTo("spark-02");
  }

  @Test
  @DisplayName("A rolling restart while spark-02 is cordoned creates its new pod Pending; the old pod keeps serving until the uncordon")
  void rolloutWaitsForTheUncordon() {
    Pod old = llamaPods().get(0);
    Awaitility.await("the seeded Llama pod to start").atMost(Duration.ofSeconds(10))
        .until(() -> started.contains(old.getMetadata().getName()));
    client.nodes().withName("spark-02").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"unschedulable\":true}}");
    try (RolloutController rollouts = new RolloutController(client, LabProfile.gb10()).start()) {
      client.apps().deployments().inNamespace(Topology.NAMESPACE).withName(LabProfile.LLAMA).patch(
          PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
              + "{\"kubectl.kubernetes.io/restartedAt\":\"2026-12-01T00:00:00Z\"}}}}}");

      Awaitility.await("the rollout's new pod").atMost(Duration.ofSeconds(10)).until(() -> llamaPods().size() > 1);
      Pod fresh = llamaPods().stream().filter(p -> !p.getMetadata().getName().equals(old.getMetadata().getName()))
          .findFirst().orElseThrow();
      assertThat(fresh.getSpec().getNodeName()).isNull();
      assertThat(started).doesNotContain(fresh.getMetadata().getName());
      assertThat(client.pods().inNamespace(Topology.NAMESPACE).withName(old.getMetadata().getName()).get()).isNotNull();

      client.nodes().withName("spark-02").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"unschedulable\":null}}");

      Awaitility.await("the new pod bound and started").atMost(Duration.ofSeconds(10))
          .until(() -> started.contains(fresh.getMetadata().getName()));
    }
  }

  @Test
  @DisplayName("A pod created without a node (a bare pod recreated from its manifest) is bound to its model's node and started")
  void unboundPodIsScheduled() {
    Pod deepseek = client.pods().inNamespace(Topology.NAMESPACE).withName(LabProfile.gb10().model(LabProfile.DEEPSEEK)
        .podName()).get();
    client.pods().inNamespace(Topology.NAMESPACE).withName(deepseek.getMetadata().getName()).withGracePeriod(0).delete();
    Awaitility.await("the bare pod gone").atMost(Duration.ofSeconds(10))
        .until(() -> client.pods().inNamespace(Topology.NAMESPACE).withName(deepseek.getMetadata().getName()).get() == null);
    started.clear();
    Pod manifest = new io.fabric8.kubernetes.api.model.PodBuilder(deepseek).withStatus(null).editMetadata()
        .withResourceVersion(null).endMetadata().editSpec().withNodeName(null).endSpec().build();

    client.pods().inNamespace(Topology.NAMESPACE).resource(manifest).create();

    Awaitility.await("the recreated pod bound and started").atMost(Duration.ofSeconds(10))
        .until(() -> started.contains(deepseek.getMetadata().getName()));
    assertThat(client.pods().inNamespace(Topology.NAMESPACE).withName(deepseek.getMetadata().getName()).get().getSpec()
        .getNodeName()).isEqualTo("spark-01");
  }

  @Test
  @DisplayName("The seeded nodes carry the chaos label, and the Llama Deployment has a minAvailable 1 PodDisruptionBudget")
  void seeded() {
    assertThat(client.nodes().list().getItems()).allSatisfy(n -> assertThat(n.getMetadata().getLabels())
        .containsEntry(Topology.CHAOS_LABEL, "allowed"));
    var pdb = client.policy().v1().podDisruptionBudget().inNamespace(Topology.NAMESPACE)
        .withName(LabProfile.LLAMA).get();
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsEntry("app", LabProfile.LLAMA);
  }

  private List<Pod> llamaPods() {
    return client.pods().inNamespace(Topology.NAMESPACE).withLabel("app", LabProfile.LLAMA).list().getItems();
  }
}
