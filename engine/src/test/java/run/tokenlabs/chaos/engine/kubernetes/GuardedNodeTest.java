package run.tokenlabs.chaos.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.SafetyLabels;
import run.tokenlabs.chaos.engine.config.ConfigLoader;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;

/**
 * The blast radius for a node drain and a rolling restart, on fabric8's CRUD mock: a node is cordoned only
 * when listed in kubernetes.allowedNodes and labelled now, and only its spec.unschedulable is patched; a pod
 * template change counts the Deployment's pods before it is sent.
 */
@EnableKubernetesMockClient(crud = true)
class GuardedNodeTest {
  private static final String CORDON = "{\"spec\":{\"unschedulable\":true}}";
  KubernetesClient client;

  @BeforeEach
  void setUp() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("token-labs")
        .addToLabels(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE).endMetadata().build()).create();
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("gpu-1")
        .addToLabels(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE).endMetadata().withNewSpec().endSpec().build()).create();
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("gpu-2").endMetadata().withNewSpec().endSpec()
        .build()).create();
  }

  @Test
  @DisplayName("On a cluster no node may be cordoned unless kubernetes.allowedNodes names it: the default is none")
  void noNodeByDefaultOnACluster() {
    GuardedTarget target = guarded(Map.of("tokenlabs.chaos.target", "cluster",
        "tokenlabs.chaos.namespaces.allowed", "token-labs"));

    assertThatThrownBy(() -> cordon(target, "gpu-1")).isInstanceOf(KubernetesCallRefusedException.class)
        .hasMessageContaining("node 'gpu-1' is not in kubernetes.allowedNodes []");
    assertThat(client.nodes().withName("gpu-1").get().getSpec().getUnschedulable()).isNull();
  }

  @Test
  @DisplayName("A listed, labelled node is cordoned and uncordoned; listed but unlabelled, or labelled but unlisted, it is refused")
  void listedAndLabelled() {
    GuardedTarget target = guarded(Map.of("tokenlabs.chaos.kubernetes.allowedNodes", "gpu-1,gpu-2"));

    cordon(target, "gpu-1");
    assertThat(client.nodes().withName("gpu-1").get().getSpec().getUnschedulable()).isTrue();
    target.kubernetes().nodes().withName("gpu-1").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"unschedulable\":null}}");
    assertThat(client.nodes().withName("gpu-1").get().getSpec().getUnschedulable()).isNull();

    assertThatThrownBy(() -> cordon(target, "gpu-2"))
        .hasMessageContaining("node 'gpu-2' is not labelled for chaos now; label it with 'kubectl label node gpu-2 "
            + "tokenlabs.run/chaos=allowed'");
    GuardedTarget onlyTwo = guarded(Map.of("tokenlabs.chaos.kubernetes.allowedNodes", "gpu-2"));
    assertThatThrownBy(() -> cordon(onlyTwo, "gpu-1")).hasMessageContaining("not in kubernetes.allowedNodes [gpu-2]");
    assertThat(client.nodes().withName("gpu-2").get().getSpec().getUnschedulable()).isNull();
  }

  @Test
  @DisplayName("The label is read when each patch is sent: removed after a cordon, the next patch is refused")
  void labelReadAtCallTime() {
    GuardedTarget target = guarded(Map.of("tokenlabs.chaos.kubernetes.allowedNodes", "gpu-1"));
    cordon(target, "gpu-1");
    client.nodes().withName("gpu-1").edit(n -> new NodeBuilder(n).editMetadata().withLabels(Map.of()).endMetadata()
        .build());

    assertThatThrownBy(() -> cordon(target, "gpu-1")).hasMessageContaining("is not labelled for chaos now");
  }

  @Test
  @DisplayName("Anything but spec.unschedulable alone is refused on an allowed node: labels, taints, delete")
  void onlyUnschedulable() {
    GuardedTarget target = guarded(Map.of("tokenlabs.chaos.kubernetes.allowedNodes", "gpu-1"));

    assertThatThrownBy(() -> target.kubernetes().nodes().withName("gpu-1").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"unschedulable\":true},\"metadata\":{\"labels\":{\"x\":\"y\"}}}"))
        .hasMessageContaining("the only patch chaos may send a node is a merge patch of spec.unschedulable alone");
    assertThatThrownBy(() -> target.kubernetes().nodes().withName("gpu-1").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"taints\":[{\"key\":\"k\",\"effect\":\"NoExecute\"}]}}"))
        .isInstanceOf(KubernetesCallRefusedException.class);
    assertThatThrownBy(() -> target.kubernetes().nodes().withName("gpu-1").delete())
        .hasMessageContaining("other than by a patch of one node's spec.unschedulable");
    assertThat(client.nodes().withName("gpu-1").get()).isNotNull();
    assertThat(client.nodes().withName("gpu-1").get().getSpec().getTaints()).isNullOrEmpty();
  }

  @Test
  @DisplayName("A pod template change counts the Deployment's pods against kubernetes.maxPodsPerRun before it is sent")
  void rolloutCountsItsPods() {
    client.apps().deployments().inNamespace("token-labs").resource(new DeploymentBuilder().withNewMetadata()
        .withName("llama").endMetadata().withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "llama")
        .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "llama").endMetadata().endTemplate()
        .endSpec().build()).create();
    for (String name : new String[] {"llama-a", "llama-b"}) {
      client.pods().inNamespace("token-labs").resource(new PodBuilder().withNewMetadata().withName(name)
          .addToLabels("app", "llama").endMetadata().build()).create();
    }
    String restart = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"now\"}}}}}";

    GuardedTarget one = guarded(Map.of("tokenlabs.chaos.kubernetes.maxPodsPerRun", "1"));
    assertThatThrownBy(() -> one.kubernetes().apps().deployments().inNamespace("token-labs").withName("llama")
        .patch(PatchContext.of(PatchType.JSON_MERGE), restart))
        .hasMessageContaining("it would replace 2 pods [llama-a, llama-b] in 'token-labs'")
        .hasMessageContaining("kubernetes.maxPodsPerRun (1)");
    assertThat(client.apps().deployments().inNamespace("token-labs").withName("llama").get().getSpec().getTemplate()
        .getMetadata().getAnnotations()).isNullOrEmpty();
    one.kubernetes().apps().deployments().inNamespace("token-labs").withName("llama")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"team\":\"serving\"}}}");

    GuardedTarget three = guarded(Map.of("tokenlabs.chaos.kubernetes.maxPodsPerRun", "3"));
    three.kubernetes().apps().deployments().inNamespace("token-labs").withName("llama")
        .patch(PatchContext.of(PatchType.JSON_MERGE), restart);
    // the restart counted both pods: one more pod fits, a second is refused
    three.kubernetes().pods().inNamespace("token-labs").withName("llama-a").delete();
    client.pods().inNamespace("token-labs").resource(new PodBuilder().withNewMetadata().withName("other")
        .endMetadata().build()).create();
    client.pods().inNamespace("token-labs").resource(new PodBuilder().withNewMetadata().withName("another")
        .endMetadata().build()).create();
    three.kubernetes().pods().inNamespace("token-labs").withName("other").delete();
    assertThatThrownBy(() -> three.kubernetes().pods().inNamespace("token-labs").withName("another").delete())
        .hasMessageContaining("already disturbed 3 pods");
  }

  private static void cordon(GuardedTarget target, String node) {
    target.kubernetes().nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE), CORDON);
  }

  private GuardedTarget guarded(Map<String, String> settings) {
    Map<String, String> props = new HashMap<>(settings);
    return GuardedTarget.of(new KubeOnlyTarget("mock", client, () -> { }),
        ConfigLoader.load(k -> Optional.ofNullable(props.get(k))));
  }
}
