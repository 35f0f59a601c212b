package run.tokenlabs.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;
import run.tokenlabs.chaos.faults.ForceDeletePodFault.RestorePod;

/** The force-delete fault and its rollback against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class ForceDeletePodFaultTest {
  private static final String NS = "token-labs";
  KubernetesMockServer server;
  KubernetesClient client;
  Target target;
  ScheduledExecutorService controller;

  @BeforeEach
  void setUp() {
    target = new KubeOnlyTarget("crud-mock", client, () -> { });
    controller = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void tearDown() {
    controller.shutdownNow();
  }

  @Test
  @DisplayName("A bare pod is deleted and its rollback recreates it from the captured spec, server fields stripped")
  void barePodIsRecreated() throws Exception {
    Pod original = client.pods().inNamespace(NS).resource(pod("deepseek-r1-7b-vllm-leader", "deepseek-r1-7b", false))
        .create();
    ForceDeletePodFault fault = new ForceDeletePodFault(NS, "app=deepseek-r1-7b");

    RestorePod rollback = fault.prepare(target);
    fault.act(target, rollback);

    assertThat(client.pods().inNamespace(NS).withName("deepseek-r1-7b-vllm-leader").get()).isNull();
    assertThat(rollback.description()).isEqualTo("recreate bare pod token-labs/deepseek-r1-7b-vllm-leader from its captured manifest");

    rollback.undo(target, Duration.ofSeconds(5));

    Pod recreated = client.pods().inNamespace(NS).withName("deepseek-r1-7b-vllm-leader").get();
    assertThat(recreated).isNotNull();
    assertThat(recreated.getMetadata().getUid()).isNotEqualTo(original.getMetadata().getUid());
    assertThat(recreated.getMetadata().getLabels()).containsEntry("app", "deepseek-r1-7b");
    assertThat(recreated.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(recreated.getSpec().getContainers()).extracting(c -> c.getImage()).containsExactly("vllm/vllm-openai:v0.8.5");
    assertThat(recreated.getSpec().getNodeName()).as("node binding stripped so the scheduler can place it").isNull();
    assertThat(recreated.getStatus() == null || recreated.getStatus().getConditions() == null
        || recreated.getStatus().getConditions().isEmpty()).as("status stripped").isTrue();
  }

  @Test
  @DisplayName("The bare-pod rollback is idempotent: a second undo leaves the recreated pod alone")
  void rollbackIsIdempotent() throws Exception {
    client.pods().inNamespace(NS).resource(pod("deepseek-r1-7b-vllm-leader", "deepseek-r1-7b", false)).create();
    ForceDeletePodFault fault = new ForceDeletePodFault(NS, "app=deepseek-r1-7b");
    RestorePod rollback = fault.prepare(target);
    fault.act(target, rollback);

    rollback.undo(target, Duration.ofSeconds(5));
    String uid = client.pods().inNamespace(NS).withName("deepseek-r1-7b-vllm-leader").get().getMetadata().getUid();
    rollback.undo(target, Duration.ofSeconds(5));

    assertThat(client.pods().inNamespace(NS).withName("deepseek-r1-7b-vllm-leader").get().getMetadata().getUid())
        .isEqualTo(uid);
    assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  @DisplayName("A Deployment pod is left to its controller; the rollback waits until a replacement is Ready")
  void managedPodWaitsForReplacement() throws Exception {
    client.pods().inNamespace(NS).resource(pod("llama-3-1-8b-7d9f-abcde", "llama-3-1-8b", true)).create();
    replaceDeletedPodsAfter(Duration.ofMillis(800));
    ForceDeletePodFault fault = new ForceDeletePodFault(NS, "app=llama-3-1-8b");

    RestorePod rollback = fault.prepare(target);
    fault.act(target, rollback);

    assertThat(rollback.description()).isEqualTo("wait for ReplicaSet llama-3-1-8b-7d9f to replace pod "
        + "token-labs/llama-3-1-8b-7d9f-abcde (1 Ready pods matching app=llama-3-1-8b again)");
    rollback.undo(target, Duration.ofSeconds(10));

    List<Pod> pods = client.pods().inNamespace(NS).withLabel("app", "llama-3-1-8b").list().getItems();
    assertThat(pods).extracting(p -> p.getMetadata().getName()).containsExactly("llama-3-1-8b-7d9f-fghij");
    assertThat(pods).allMatch(PodReadiness::isReady);
  }

  @Test
  @DisplayName("A managed pod whose controller never replaces it makes the rollback fail with what was seen")
  void managedPodWithoutReplacementFails() throws Exception {
    client.pods().inNamespace(NS).resource(pod("llama-3-1-8b-7d9f-abcde", "llama-3-1-8b", true)).create();
    ForceDeletePodFault fault = new ForceDeletePodFault(NS, "app=llama-3-1-8b");
    RestorePod rollback = fault.prepare(target);
    fault.act(target, rollback);

    assertThatThrownBy(() -> rollback.undo(target, Duration.ofSeconds(1)))
        .hasMessage("The controller of pod token-labs/llama-3-1-8b-7d9f-abcde did not bring 1 Ready pods matching "
            + "app=llama-3-1-8b back within 1 s (last seen: 0); check the Deployment's events");
  }

  @Test
  @DisplayName("No matching pod: prepare fails naming the selector and how to check it, and nothing is deleted")
  void noMatchingPod() {
    client.pods().inNamespace(NS).resource(pod("other", "other", false)).create();

    assertThatThrownBy(() -> new ForceDeletePodFault(NS, "app=deepseek-r1-7b").prepare(target))
        .hasMessageContaining("no running pod matches 'app=deepseek-r1-7b' in namespace 'token-labs'")
        .hasMessageContaining("kubectl get pods -n token-labs -l app=deepseek-r1-7b");
    assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  @DisplayName("A key given twice must hold twice, as on the API server: app=llama,app=deepseek matches no pod")
  void duplicateKeyMatchesNothing() {
    client.pods().inNamespace(NS).resource(pod("deepseek-r1-7b-vllm-leader", "deepseek-r1-7b", false)).create();

    assertThatThrownBy(() -> new ForceDeletePodFault(NS, "app=llama-3-1-8b,app=deepseek-r1-7b").prepare(target))
        .hasMessageContaining("no running pod matches 'app=llama-3-1-8b,app=deepseek-r1-7b'");
    assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  @DisplayName("Set-based selectors select as Kubernetes does; an invalid one is refused before anything is read")
  void setSelectorsAndInvalidOnes() throws Exception {
    client.pods().inNamespace(NS).resource(pod("deepseek-r1-7b-vllm-leader", "deepseek-r1-7b", false)).create();
    client.pods().inNamespace(NS).resource(pod("llama-3-1-8b-vllm", "llama-3-1-8b", false)).create();

    assertThat(new ForceDeletePodFault(NS, "app notin (deepseek-r1-7b)").prepare(target).name())
        .isEqualTo("llama-3-1-8b-vllm");
    assertThat(new ForceDeletePodFault(NS, "app in (deepseek-r1-7b, other)").prepare(target).name())
        .isEqualTo("deepseek-r1-7b-vllm-leader");
    assertThatThrownBy(() -> new ForceDeletePodFault(NS, "app=deepseek r1"))
        .hasMessageContaining("label selector 'app=deepseek r1' is not valid as Kubernetes reads it");
  }

  /** Plays the ReplicaSet controller: a deleted owned pod gets a Ready replacement after a delay. */
  private void replaceDeletedPodsAfter(Duration delay) {
    client.pods().inNamespace(NS).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        if (action == Action.DELETED && pod.getMetadata().getOwnerReferences() != null
            && !pod.getMetadata().getOwnerReferences().isEmpty()) {
          controller.schedule(() -> client.pods().inNamespace(NS).resource(new PodBuilder(pod("llama-3-1-8b-7d9f-fghij",
              "llama-3-1-8b", true)).build()).create(), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
  }

  private static Pod pod(String name, String app, boolean owned) {
    PodBuilder builder = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", app).endMetadata()
        .withNewSpec().withRestartPolicy(owned ? "Always" : "Never").withNodeName("spark-01")
          .addNewContainer().withName("vllm").withImage("vllm/vllm-openai:v0.8.5").endContainer()
        .endSpec()
        .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
    if (owned) {
      builder.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1")
          .withKind("ReplicaSet").withName("llama-3-1-8b-7d9f").withUid("rs-uid").withController(true).build())
          .endMetadata();
    }
    return builder.build();
  }
}
