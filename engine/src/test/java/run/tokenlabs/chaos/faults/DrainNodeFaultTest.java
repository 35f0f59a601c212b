package run.tokenlabs.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.SafetyLabels;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.engine.config.ConfigLoader;
import run.tokenlabs.chaos.engine.kubernetes.GuardedTarget;
import run.tokenlabs.chaos.engine.kubernetes.KubernetesCallRefusedException;
import run.tokenlabs.chaos.engine.testing.EvictionCrudDispatcher;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;
import run.tokenlabs.chaos.faults.DrainNodeFault.Uncordon;
import run.tokenlabs.chaos.engine.testing.MockApiServers;

/** The node drain against fabric8's mock API server in CRUD mode (with evictions, {@link EvictionCrudDispatcher}): cordon, evictions, what stays, and the uncordon. */
class DrainNodeFaultTest {
  private static final String NS = "token-labs";
  private final EvictionCrudDispatcher dispatcher = new EvictionCrudDispatcher();
  private KubernetesMockServer server;
  private KubernetesClient client;
  private Target target;

  @BeforeEach
  void setUp() {
    server = MockApiServers.start(dispatcher);
    client = server.createClient();
    target = new KubeOnlyTarget("crud-mock", client, () -> { });
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("spark-02")
        .addToLabels(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE).endMetadata().withNewSpec()
        .endSpec().build()).create();
    pod(NS, "llama-abc", "spark-02", "ReplicaSet");
    pod(NS, "bare", "spark-02", null);
    pod(NS, "elsewhere", "spark-01", "ReplicaSet");
    pod("gpu-operator", "nvidia-dcgm-exporter-x", "spark-02", "DaemonSet");
    pod("monitoring", "prometheus-k8s-0", "spark-02", "StatefulSet");
    client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("kube-static")
        .addToAnnotations(DrainNodeFault.MIRROR, "abc").endMetadata().withNewSpec().withNodeName("spark-02").endSpec()
        .build()).create();
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.destroy();
  }

  @Test
  @DisplayName("Cordons, evicts the node's pods in its namespaces, leaves DaemonSet, mirror and other-namespace pods; rollback uncordons, twice")
  void drainsAndUncordons() {
    DrainNodeFault fault = Faults.drainNode("spark-02", NS, "gpu-operator");

    Uncordon rollback = fault.prepare(target);
    fault.act(target, rollback);

    assertThat(client.nodes().withName("spark-02").get().getSpec().getUnschedulable()).isTrue();
    DrainReport report = fault.report();
    assertThat(report.evicted()).containsExactly("token-labs/bare", "token-labs/llama-abc");
    assertThat(report.complete()).isTrue();
    assertThat(report.leftAlone()).containsOnlyKeys("gpu-operator/nvidia-dcgm-exporter-x", "monitoring/prometheus-k8s-0",
        "token-labs/kube-static");
    assertThat(report.leftAlone().get("gpu-operator/nvidia-dcgm-exporter-x"))
        .isEqualTo("owned by DaemonSet gpu-operator-owner");
    assertThat(report.leftAlone().get("monitoring/prometheus-k8s-0"))
        .isEqualTo("namespace 'monitoring' is not one the drain may evict in [gpu-operator, token-labs]");
    assertThat(report.leftAlone().get("token-labs/kube-static")).isEqualTo("a mirror pod (static pod of the kubelet)");
    assertThat(client.pods().inNamespace(NS).withName("llama-abc").get()).isNull();
    assertThat(client.pods().inNamespace(NS).withName("elsewhere").get()).isNotNull();
    assertThat(client.pods().inNamespace("monitoring").withName("prometheus-k8s-0").get()).isNotNull();

    rollback.undo(target, Duration.ofSeconds(5));
    rollback.undo(target, Duration.ofSeconds(5));
    assertThat(client.nodes().withName("spark-02").get().getSpec().getUnschedulable()).isNull();
  }

  @Test
  @DisplayName("Through the engine's guard: the cordon is refused on a node not in kubernetes.allowedNodes before any "
      + "eviction; on an allowed one each eviction counts against kubernetes.maxPodsPerRun")
  void throughTheGuard() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
        .addToLabels(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE).endMetadata().build()).create();
    Target notListed = guarded(Map.of("tokenlabs.chaos.kubernetes.allowedNodes", "spark-01"));
    DrainNodeFault fault = Faults.drainNode("spark-02", NS);
    Uncordon rollback = fault.prepare(notListed);
    assertThatThrownBy(() -> fault.act(notListed, rollback)).isInstanceOf(KubernetesCallRefusedException.class)
        .hasMessageContaining("node 'spark-02' is not in kubernetes.allowedNodes [spark-01]");
    assertThat(dispatcher.evictions).isEmpty();

    Target onePod = guarded(Map.of("tokenlabs.chaos.kubernetes.allowedNodes", "spark-02",
        "tokenlabs.chaos.kubernetes.maxPodsPerRun", "1"));
    assertThatThrownBy(() -> fault.act(onePod, fault.prepare(onePod)))
        .hasMessageContaining("/api/v1/namespaces/token-labs/pods/llama-abc/eviction was not sent")
        .hasMessageContaining("kubernetes.maxPodsPerRun (1)");
    assertThat(dispatcher.evictions).containsExactly("token-labs/bare");
    assertThat(client.pods().inNamespace(NS).withName("llama-abc").get()).isNotNull();
    rollback.undo(onePod, Duration.ofSeconds(5));
    assertThat(client.nodes().withName("spark-02").get().getSpec().getUnschedulable()).isNull();
  }

  @Test
  @DisplayName("A node cordoned before the drain stays cordoned after its rollback")
  void restoresThePreviousValue() {
    client.nodes().withName("spark-02").edit(n -> new NodeBuilder(n).editSpec().withUnschedulable(true).endSpec().build());
    DrainNodeFault fault = Faults.drainNode("spark-02", NS);
    Uncordon rollback = fault.prepare(target);
    fault.act(target, rollback);

    rollback.undo(target, Duration.ofSeconds(5));

    assertThat(rollback.unschedulableBefore()).isTrue();
    assertThat(client.nodes().withName("spark-02").get().getSpec().getUnschedulable()).isTrue();
  }

  @Test
  @DisplayName("An eviction answered 429 is retried within the bound; one still refused is reported with the PodDisruptionBudget that holds it")
  void pdbBlocksAnEviction() {
    client.policy().v1().podDisruptionBudget().inNamespace(NS).resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("llama-pdb").endMetadata().withNewSpec().withMinAvailable(new IntOrString(1))
        .withNewSelector().addToMatchLabels("app", "llama-abc").endSelector().endSpec().withNewStatus()
        .withDisruptionsAllowed(0).endStatus().build()).create();
    dispatcher.refuse("token-labs/llama-abc", Integer.MAX_VALUE);
    dispatcher.refuse("token-labs/bare", 1);

    DrainNodeFault fault = Faults.drainNode("spark-02", NS).retryEvictionsFor(Duration.ofMillis(600));
    fault.act(target, fault.prepare(target));

    DrainReport report = fault.report();
    assertThat(report.evicted()).containsExactly("token-labs/bare");
    assertThat(report.complete()).isFalse();
    assertThat(report.blocked()).containsExactly(org.assertj.core.api.Assertions.entry("token-labs/llama-abc",
        "its eviction was refused (429) until the bound by PodDisruptionBudget token-labs/llama-pdb (minAvailable 1, "
            + "disruptionsAllowed 0)"));
    assertThat(client.pods().inNamespace(NS).withName("llama-abc").get()).isNotNull();
    assertThat(dispatcher.evictions).filteredOn("token-labs/bare"::equals).hasSize(2);
    assertThat(dispatcher.evictions).filteredOn("token-labs/llama-abc"::equals).hasSizeGreaterThan(1);
  }

  @Test
  @DisplayName("prepare changes nothing and the description names the cordon patch and the evictions it would make (what a dry run prints)")
  void dryRunPlan() {
    DrainNodeFault fault = Faults.drainNode("spark-02", NS);

    Uncordon rollback = fault.prepare(target);

    assertThat(fault.description()).contains("cordon with merge patch {\"spec\":{\"unschedulable\":true}}")
        .contains("to evict [token-labs/bare, token-labs/llama-abc]")
        .contains("monitoring/prometheus-k8s-0=namespace 'monitoring' is not one the drain may evict in [token-labs]");
    assertThat(rollback.description()).isEqualTo("uncordon node spark-02 (merge patch {\"spec\":{\"unschedulable\":null}}, "
        + "as before the drain)");
    assertThat(client.nodes().withName("spark-02").get().getSpec().getUnschedulable()).isNull();
    assertThat(client.pods().inAnyNamespace().list().getItems()).hasSize(6);
    assertThatThrownBy(fault::report).hasMessageContaining("has not acted yet");
  }

  @Test
  @DisplayName("A node without the chaos label, or missing, fails prepare saying how to opt it in; nothing is patched")
  void unlabelledNode() {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("spark-01").endMetadata().build()).create();

    assertThatThrownBy(() -> Faults.drainNode("spark-01", NS).prepare(target))
        .hasMessageContaining("node 'spark-01' is not labelled for chaos")
        .hasMessageContaining("kubectl label node spark-01 tokenlabs.run/chaos=allowed");
    assertThatThrownBy(() -> Faults.drainNode("nope", NS).prepare(target))
        .hasMessage("no node 'nope' on the target; check with 'kubectl get nodes'");
  }

  private Target guarded(Map<String, String> props) {
    return GuardedTarget.of(new KubeOnlyTarget("mock", client, () -> { }),
        ConfigLoader.load(k -> Optional.ofNullable(props.get(k))));
  }

  private void pod(String namespace, String name, String node, String ownerKind) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).addToLabels("app", name)
        .endMetadata().withNewSpec().withNodeName(node).endSpec();
    if (ownerKind != null) {
      b.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind(ownerKind)
          .withName(namespace + "-owner").withUid("uid-" + name).withController(true).endOwnerReference().endMetadata();
    }
    client.pods().inNamespace(namespace).resource(b.build()).create();
  }
}
