package run.tokenlabs.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;
import run.tokenlabs.chaos.faults.ChaosMeshFault.DeleteChaos;
import run.tokenlabs.chaos.faults.ChaosMeshFault.Direction;

/** The Chaos Mesh faults against fabric8's mock API server in CRUD mode: the resource each creates, and its undo. */
@EnableKubernetesMockClient(crud = true)
class ChaosMeshFaultTest {
  private static final String NS = "token-labs";
  KubernetesClient client;
  Target target;

  @BeforeEach
  void setUp() {
    target = new KubeOnlyTarget("crud-mock", client, () -> { });
    for (String app : List.of("gateway", "llama-3-1-8b")) {
      client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(app + "-0").withNamespace(NS)
          .addToLabels("app", app).endMetadata().build()).create();
    }
  }

  @Test
  @DisplayName("networkDelay creates a NetworkChaos from the gateway to the model's pods: exact spec, one pod, a duration")
  void networkDelaySpec() {
    ChaosMeshFault fault = Faults.networkDelay(NS, "app=gateway", "app=llama-3-1-8b", Duration.ofMillis(300),
        Duration.ofMillis(20), 25).lastingAtMost(Duration.ofSeconds(45));

    DeleteChaos rollback = fault.prepare(target);
    fault.act(target, rollback);

    GenericKubernetesResource cr = get("NetworkChaos", rollback.name());
    assertThat(cr.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "tokenlabs-chaos");
    assertThat(cr.getAdditionalProperties().get("spec")).isEqualTo(Map.of(
        "selector", Map.of("namespaces", List.of(NS), "labelSelectors", Map.of("app", "gateway")),
        "mode", "one",
        "action", "delay",
        "delay", Map.of("latency", "300ms", "jitter", "20ms", "correlation", "25"),
        "direction", "to",
        "target", Map.of("selector", Map.of("namespaces", List.of(NS), "labelSelectors", Map.of("app", "llama-3-1-8b")),
            "mode", "one"),
        "duration", "45s"));
    assertThat(rollback.name()).matches("tokenlabs-networkchaos-[0-9a-f]{8}");
    assertThat(fault.description()).isEqualTo("NetworkChaos delay 300ms (jitter 20ms, correlation 25%) on one pod "
        + "matching app=gateway to pods app=llama-3-1-8b in token-labs for at most 45s (token-labs/" + rollback.name() + ")");
  }

  @Test
  @DisplayName("Loss and partition: their action, direction both when asked, mode fixed with its value as a string")
  void lossAndPartition() {
    assertThat(spec(Faults.networkLoss(NS, "app=gateway", "app=llama-3-1-8b", 30).onPods(2)))
        .containsEntry("action", "loss").containsEntry("loss", Map.of("loss", "30", "correlation", "0"))
        .containsEntry("mode", "fixed").containsEntry("value", "2").containsEntry("direction", "to");
    assertThat(spec(Faults.networkPartition(NS, "app=gateway", "app=llama-3-1-8b").direction(Direction.BOTH)))
        .containsEntry("action", "partition").containsEntry("direction", "both").containsEntry("duration", "120s")
        .doesNotContainKey("value");
  }

  @Test
  @DisplayName("Without a peer selector a network fault has a direction and no target: all the selected pod's traffic")
  void networkWithoutPeers() {
    ChaosMeshFault fault = Faults.networkPartition(NS, "app=llama-3-1-8b", null);
    assertThat(spec(fault)).containsEntry("direction", "to").doesNotContainKey("target");
    assertThat(fault.description()).startsWith("NetworkChaos partition on one pod matching app=llama-3-1-8b (all their "
        + "traffic) in token-labs for at most 120s");
  }

  @Test
  @DisplayName("HTTPChaos on the model server's port: abort, delay and a JSON body patch, every path")
  void httpChaosSpecs() {
    assertThat(spec(Faults.httpAbort(NS, "app=llama-3-1-8b", 8000))).containsEntry("target", "Request")
        .containsEntry("port", 8000).containsEntry("path", "*").containsEntry("abort", true)
        .doesNotContainKeys("direction", "delay");
    assertThat(spec(Faults.httpDelay(NS, "app=llama-3-1-8b", 8000, Duration.ofMillis(1500))))
        .containsEntry("delay", "1500ms").containsEntry("target", "Request");
    assertThat(spec(Faults.httpPatchBody(NS, "app=llama-3-1-8b", 8000, "{\"usage\":null}")))
        .containsEntry("target", "Response")
        .containsEntry("patch", Map.of("body", Map.of("type", "JSON", "value", "{\"usage\":null}")));
  }

  @Test
  @DisplayName("PodChaos: container-kill names the serving container; pod-failure has no container")
  void podChaosSpecs() {
    assertThat(spec(Faults.containerKill(NS, "app=llama-3-1-8b", "vllm")))
        .containsEntry("action", "container-kill").containsEntry("containerNames", List.of("vllm"))
        .containsEntry("mode", "one");
    assertThat(spec(Faults.podFailure(NS, "app=llama-3-1-8b"))).containsEntry("action", "pod-failure")
        .doesNotContainKey("containerNames");
  }

  @Test
  @DisplayName("Selectors Chaos Mesh's label map cannot hold exactly, and unbounded options, are refused up front")
  void unboundedSelectorsAndOptionsRefused() {
    assertThatThrownBy(() -> Faults.podFailure(NS, "app!=gateway"))
        .hasMessageContaining("has 'app!=gateway', which such a map cannot hold without selecting more pods");
    assertThatThrownBy(() -> Faults.containerKill(NS, "app in (a,b)", "vllm")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Faults.podFailure(NS, "app=a").lastingAtMost(Duration.ofHours(2)))
        .hasMessageContaining("between 1 ms and 60 min");
    assertThatThrownBy(() -> Faults.podFailure(NS, "app=a").onPods(0)).hasMessageContaining("at least one pod");
    assertThatThrownBy(() -> Faults.httpAbort(NS, "app=a", 8000).direction(Direction.TO))
        .hasMessageContaining("network faults only, and this is a HTTPChaos");
  }

  @Test
  @DisplayName("No pod matches: prepare fails naming the selector, and nothing is created")
  void noMatchingPod() {
    assertThatThrownBy(() -> Faults.podFailure(NS, "app=deepseek-r1-7b").prepare(target))
        .hasMessageContaining("no pod matches 'app=deepseek-r1-7b' in namespace 'token-labs'")
        .hasMessageContaining("kubectl get pods -n token-labs -l app=deepseek-r1-7b");
    assertThat(ChaosKind.POD.on(client).inNamespace(NS).list()
        .getItems()).isEmpty();
  }

  @Test
  @DisplayName("The rollback deletes the resource, is idempotent, and names it as the object of the engine's Events")
  void rollbackDeletes() throws Exception {
    ChaosMeshFault fault = Faults.containerKill(NS, "app=llama-3-1-8b", "vllm");
    DeleteChaos rollback = fault.prepare(target);
    fault.act(target, rollback);
    assertThat(get("PodChaos", rollback.name())).isNotNull();

    rollback.undo(target, Duration.ofSeconds(5));
    rollback.undo(target, Duration.ofSeconds(5));

    assertThat(get("PodChaos", rollback.name())).isNull();
    assertThat(rollback.involvedObjects(target)).singleElement().satisfies(ref -> {
      assertThat(ref.getApiVersion()).isEqualTo("chaos-mesh.org/v1alpha1");
      assertThat(ref.getKind()).isEqualTo("PodChaos");
      assertThat(ref.getName()).isEqualTo(rollback.name());
    });
    assertThat(rollback.description()).isEqualTo("delete PodChaos token-labs/" + rollback.name()
        + " (container-kill vllm) and wait until Chaos Mesh has recovered its targets");
  }

  @Test
  @DisplayName("act() refuses a rollback that is not the one prepare() returned: it creates only what it recorded")
  void actNeedsItsOwnRollback() {
    ChaosMeshFault fault = Faults.podFailure(NS, "app=llama-3-1-8b");
    fault.prepare(target);

    assertThatThrownBy(() -> fault.act(target, new DeleteChaos(NS, "PodChaos", "other", "pod-failure")))
        .hasMessageContaining("act() got the rollback of other, not of the resource this fault prepared");
    assertThat(ChaosKind.POD.on(client).inNamespace(NS).list()
        .getItems()).isEmpty();
  }

  @Test
  @DisplayName("A record naming a kind the engine never creates deletes nothing")
  void unknownKindRefused() {
    assertThatThrownBy(() -> new DeleteChaos(NS, "Deployment", "llama", "edited").undo(target, Duration.ofSeconds(1)))
        .hasMessageContaining("the engine creates only NetworkChaos, HTTPChaos and PodChaos; nothing was deleted");
  }

  private Map<String, Object> spec(ChaosMeshFault fault) {
    DeleteChaos rollback = fault.prepare(target);
    fault.act(target, rollback);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) get(rollback.kind(), rollback.name()).getAdditionalProperties()
        .get("spec");
    return spec;
  }

  private GenericKubernetesResource get(String kind, String name) {
    return ChaosKind.named(kind).orElseThrow().on(client).inNamespace(NS).withName(name).get();
  }
}
