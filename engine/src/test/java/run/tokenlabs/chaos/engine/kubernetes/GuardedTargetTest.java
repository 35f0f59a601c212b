package run.tokenlabs.chaos.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.SafetyLabels;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.engine.config.ConfigLoader;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;

/** The guarded client on fabric8's CRUD mock: what passes, what is refused, and what the wrapper hands out. */
@EnableKubernetesMockClient(crud = true)
class GuardedTargetTest {
  KubernetesClient client;
  GuardedTarget target;

  @BeforeEach
  void setUp() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("token-labs")
        .addToLabels(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE).endMetadata().build()).create();
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("gpu-0").endMetadata().build()).create();
    for (String name : new String[] {"a", "b"}) {
      client.pods().inNamespace("token-labs").resource(new PodBuilder().withNewMetadata().withName(name)
          .addToLabels("app", "x").endMetadata().build()).create();
    }
    Map<String, String> props = Map.of("tokenlabs.chaos.kubernetes.maxPodsPerRun", "1");
    target = GuardedTarget.of(new KubeOnlyTarget("mock", client, () -> { }),
        ConfigLoader.load(k -> Optional.ofNullable(props.get(k))));
  }

  @Test
  @DisplayName("Cluster-scoped changes are refused: a node, the allowed namespace's own labels")
  void clusterScopedRefused() {
    assertThatThrownBy(() -> target.kubernetes().nodes().withName("gpu-0").edit(n -> {
      n.getMetadata().setLabels(Map.of("cordoned", "by-chaos"));
      return n;
    })).isInstanceOf(KubernetesCallRefusedException.class)
        .hasMessageContaining("/api/v1/nodes/gpu-0 was not sent, because it changes cluster-scoped 'nodes'");
    assertThatThrownBy(() -> target.kubernetes().namespaces().withName("token-labs").edit(n -> {
      n.getMetadata().getLabels().clear();
      return n;
    })).isInstanceOf(KubernetesCallRefusedException.class);

    assertThat(client.nodes().withName("gpu-0").get().getMetadata().getLabels()).isNullOrEmpty();
    assertThat(client.namespaces().withName("token-labs").get().getMetadata().getLabels())
        .containsEntry(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE);
  }

  @Test
  @DisplayName("Deleting every pod a selector matches is refused: no per-pod budget can bound it")
  void collectionDeleteRefused() {
    assertThatThrownBy(() -> target.kubernetes().pods().inNamespace("token-labs").withLabel("app", "x").delete())
        .hasMessageContaining("deletes every pod a selector matches in 'token-labs'");
    assertThat(client.pods().inNamespace("token-labs").list().getItems()).hasSize(2);
  }

  @Test
  @DisplayName("The same pod deleted twice counts once; a second pod over the budget of 1 is refused")
  void budgetCountsDistinctPods() {
    target.kubernetes().pods().inNamespace("token-labs").withName("a").delete();
    target.kubernetes().pods().inNamespace("token-labs").withName("a").delete();

    assertThatThrownBy(() -> target.kubernetes().pods().inNamespace("token-labs").withName("b").delete())
        .hasMessageContaining("the most kubernetes.maxPodsPerRun (1) allows");
    assertThat(client.pods().inNamespace("token-labs").withName("b").get()).isNotNull();
    assertThat(target.refusalCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("unwrap hands out the wrapper for interfaces, never the unguarded target behind it")
  void unwrap() {
    assertThat(target.unwrap(Target.class)).containsSame(target);
    assertThat(target.unwrap(Record.class)).isEmpty();
    assertThat(target.unwrap(KubeOnlyTarget.class)).isPresent();
    assertThat(target.kubernetes()).isNotSameAs(client);
  }

  @Test
  @DisplayName("Every method of Target is the wrapper's own: a default added to Target is never silently answered by the default")
  void everyTargetMethodIsDelegated() {
    for (java.lang.reflect.Method method : Target.class.getMethods()) {
      assertThatCode(() -> GuardedTarget.class.getDeclaredMethod(method.getName(), method.getParameterTypes()))
          .as("GuardedTarget overrides Target.%s", method.getName()).doesNotThrowAnyException();
    }
  }
}
