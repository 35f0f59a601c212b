package run.tokenlabs.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Capability.Availability;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;
import run.tokenlabs.chaos.faults.ChaosMeshFault.DeleteChaos;

/**
 * The rollback waits for Chaos Mesh's own word that it recovered, and the capability reads discovery:
 * on fabric8's CRUD mock, with a test thread playing chaos-controller-manager (its finalizer holds a
 * deleted resource until it has written the recovery into the status and removed the finalizer).
 */
@EnableKubernetesMockClient(crud = true)
class ChaosMeshRecoveryTest {
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
  @DisplayName("Status read as Chaos Mesh writes it: AllRecovered or every record Not Injected is recovered, else not")
  void statusShapes() {
    assertThat(ChaosMeshStatus.of(withStatus("Injected", "False"))).isEqualTo(new ChaosMeshStatus(false,
        "Selected=True, AllInjected=True, AllRecovered=False, token-labs/llama-0/vllm Injected (injected 1, recovered 0)"));
    assertThat(ChaosMeshStatus.of(withStatus("Not Injected", "False")).recovered()).isTrue();
    assertThat(ChaosMeshStatus.of(withStatus("Injected", "True")).recovered()).isTrue();
    assertThat(ChaosMeshStatus.of(resource(null)).seen()).isEqualTo("no status yet (is chaos-controller-manager running?)");
  }

  @Test
  @DisplayName("The undo waits while the deleted resource is held by its finalizer, until Chaos Mesh reports recovery")
  void undoWaitsForRecovery() throws Exception {
    GenericKubernetesResource held = held("Injected", "False");
    controller.schedule(() -> ChaosKind.POD.on(client).inNamespace(NS).withName("kill").edit(r -> {
      r.getMetadata().setFinalizers(List.of());
      r.setAdditionalProperty("status", withStatus("Not Injected", "True").getAdditionalProperties().get("status"));
      return r;
    }), 800, TimeUnit.MILLISECONDS);
    DeleteChaos rollback = new DeleteChaos(NS, "PodChaos", held.getMetadata().getName(), "container-kill vllm");

    rollback.undo(target, Duration.ofSeconds(20));

    GenericKubernetesResource left = ChaosKind.POD.on(client).inNamespace(NS).withName("kill").get();
    assertThat(left == null || ChaosMeshStatus.of(left).recovered()).as("gone or reported recovered").isTrue();
  }

  @Test
  @DisplayName("No recovery within the timeout: the undo fails with the status last seen and where to look")
  void undoWithoutRecoveryFails() {
    held("Injected", "False");
    DeleteChaos rollback = new DeleteChaos(NS, "PodChaos", "kill", "container-kill vllm");

    assertThatThrownBy(() -> rollback.undo(target, Duration.ofSeconds(1)))
        .hasMessageContaining("PodChaos token-labs/kill was deleted, but Chaos Mesh did not report its targets "
            + "recovered within 1 s (last status: Selected=True, AllInjected=True, AllRecovered=False, "
            + "token-labs/llama-0/vllm Injected (injected 1, recovered 0))")
        .hasMessageContaining("kubectl describe podchaos -n token-labs kill");
  }

  @Test
  @DisplayName("Capability: absent with the missing resources named when discovery has no chaos-mesh.org, present when it serves all three")
  void capabilityReadsDiscovery() {
    Availability absent = new ChaosMeshInstalled().check(target);
    assertThat(absent.present()).isFalse();
    assertThat(absent.reason()).startsWith("the API server does not serve networkchaos, httpchaos, podchaos in "
        + "chaos-mesh.org/v1alpha1").contains("Chaos Mesh is not installed");

    server.expect().get().withPath("/apis/chaos-mesh.org/v1alpha1").andReturn(200, new APIResourceListBuilder()
        .withGroupVersion("chaos-mesh.org/v1alpha1").withResources(List.of("networkchaos", "httpchaos", "podchaos")
            .stream().map(n -> new APIResourceBuilder().withName(n).withNamespaced(true).build()).toList()).build())
        .always();
    assertThat(new ChaosMeshInstalled().check(target).present()).isTrue();
  }

  /** A PodChaos that chaos-controller-manager holds with its finalizer, as on a cluster. */
  private GenericKubernetesResource held(String phase, String recovered) {
    GenericKubernetesResource cr = withStatus(phase, recovered);
    cr.getMetadata().setFinalizers(List.of("chaos-mesh/records"));
    return ChaosKind.POD.on(client).inNamespace(NS).resource(cr).create();
  }

  private static GenericKubernetesResource withStatus(String phase, String recovered) {
    return resource(Map.of(
        "conditions", List.of(Map.of("type", "Selected", "status", "True"), Map.of("type", "AllInjected", "status",
            "True"), Map.of("type", "AllRecovered", "status", recovered)),
        "experiment", Map.of("desiredPhase", "Run", "containerRecords", List.of(Map.of("id",
            "token-labs/llama-0/vllm", "selectorKey", ".", "phase", phase, "injectedCount", 1, "recoveredCount", 0)))));
  }

  private static GenericKubernetesResource resource(Map<String, Object> status) {
    GenericKubernetesResourceBuilder builder = new GenericKubernetesResourceBuilder()
        .withApiVersion("chaos-mesh.org/v1alpha1").withKind("PodChaos")
        .withNewMetadata().withName("kill").withNamespace(NS).endMetadata()
        .addToAdditionalProperties("spec", Map.of("action", "container-kill"));
    if (status != null) {
      builder.addToAdditionalProperties("status", status);
    }
    return builder.build();
  }
}
