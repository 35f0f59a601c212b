package run.tokenlabs.chaos.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.SafetyLabels;
import run.tokenlabs.chaos.engine.config.ConfigLoader;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;

/**
 * The blast radius reads the body of a Chaos Mesh resource, not only its path: the namespaces its
 * selectors name, its mode, and for a PodChaos the pods it takes, against {@code maxPodsPerRun} 2.
 */
@EnableKubernetesMockClient(crud = true)
class ChaosMeshGuardTest {
  private static final String NS = "token-labs";
  KubernetesClient client;
  GuardedTarget target;

  @BeforeEach
  void setUp() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
        .addToLabels(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE).endMetadata().build()).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("scratch").endMetadata().build())
        .create();
    Map<String, String> props = Map.of("tokenlabs.chaos.kubernetes.maxPodsPerRun", "2",
        "tokenlabs.chaos.namespaces.allowed", NS);
    target = GuardedTarget.of(new KubeOnlyTarget("mock", client, () -> { }),
        ConfigLoader.load(k -> Optional.ofNullable(props.get(k))));
  }

  @Test
  @DisplayName("A NetworkChaos in an allowed namespace whose selectors stay there, mode one, is sent")
  void boundedResourcePasses() {
    assertThatCode(() -> create("NetworkChaos", "networkchaos", "net", spec(List.of(NS), "one", null,
        Map.of("selector", Map.of("namespaces", List.of(NS)), "mode", "one")))).doesNotThrowAnyException();
    assertThat(list("NetworkChaos", "networkchaos")).hasSize(1);
  }

  @Test
  @DisplayName("A selector naming another namespace, or none, is refused though the resource itself sits in an allowed one")
  void selectorOutsideAllowedRefused() {
    assertThatThrownBy(() -> create("PodChaos", "podchaos", "p1", spec(List.of("scratch"), "one", null, null)))
        .isInstanceOf(KubernetesCallRefusedException.class)
        .hasMessageContaining("it acts in namespace 'scratch', which is not in namespaces.allowed [token-labs]");
    assertThatThrownBy(() -> create("NetworkChaos", "networkchaos", "n1", spec(List.of(NS), "one", null,
        Map.of("selector", Map.of("namespaces", List.of("kube-system")), "mode", "one"))))
        .hasMessageContaining("'kube-system', which is never a chaos target");
    assertThatThrownBy(() -> create("PodChaos", "podchaos", "p2", spec(List.of(), "one", null, null)))
        .hasMessageContaining("a selector names no namespaces");
    assertThat(list("PodChaos", "podchaos")).isEmpty();
    assertThat(list("NetworkChaos", "networkchaos")).isEmpty();
  }

  @Test
  @DisplayName("Modes that no count bounds (all, percentages) are refused")
  void unboundedModeRefused() {
    assertThatThrownBy(() -> create("PodChaos", "podchaos", "p", spec(List.of(NS), "all", null, null)))
        .hasMessageContaining("its mode is 'all'");
    assertThatThrownBy(() -> create("HTTPChaos", "httpchaos", "h", spec(List.of(NS), "fixed-percent", "50", null)))
        .hasMessageContaining("only 'one' or 'fixed' with a whole number of pods is bounded");
  }

  @Test
  @DisplayName("A PodChaos counts its pods against maxPodsPerRun (2): fixed 2 passes, one more pod is refused")
  void podChaosCountsPods() {
    create("PodChaos", "podchaos", "two", spec(List.of(NS), "fixed", "2", null));

    assertThatThrownBy(() -> create("PodChaos", "podchaos", "three", spec(List.of(NS), "one", null, null)))
        .hasMessageContaining("the most kubernetes.maxPodsPerRun (2) allows");
    assertThatCode(() -> create("HTTPChaos", "httpchaos", "h", spec(List.of(NS), "one", null, null)))
        .as("an HTTPChaos takes no pod away").doesNotThrowAnyException();
    assertThat(list("PodChaos", "podchaos")).extracting(r -> r.getMetadata().getName()).containsExactly("two");
  }

  @Test
  @DisplayName("A patch of a Chaos Mesh resource is refused; deleting one is allowed")
  void patchRefusedDeleteAllowed() {
    create("PodChaos", "podchaos", "p", spec(List.of(NS), "one", null, null));

    assertThatThrownBy(() -> target.kubernetes().genericKubernetesResources(context("PodChaos", "podchaos"))
        .inNamespace(NS).withName("p").edit(r -> {
          r.getMetadata().setLabels(Map.of("x", "y"));
          return r;
        })).hasMessageContaining("never patches them");
    target.kubernetes().genericKubernetesResources(context("PodChaos", "podchaos")).inNamespace(NS).withName("p")
        .delete();
    assertThat(list("PodChaos", "podchaos")).isEmpty();
  }

  private void create(String kind, String plural, String name, Map<String, Object> spec) {
    GenericKubernetesResource cr = new GenericKubernetesResourceBuilder().withApiVersion("chaos-mesh.org/v1alpha1")
        .withKind(kind).withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .addToAdditionalProperties("spec", spec).build();
    target.kubernetes().genericKubernetesResources(context(kind, plural)).inNamespace(NS).resource(cr).create();
  }

  private List<GenericKubernetesResource> list(String kind, String plural) {
    return client.genericKubernetesResources(context(kind, plural)).inNamespace(NS).list().getItems();
  }

  private static Map<String, Object> spec(List<String> namespaces, String mode, String value, Map<String, Object> peer) {
    Map<String, Object> spec = new java.util.LinkedHashMap<>();
    spec.put("selector", Map.of("namespaces", namespaces, "labelSelectors", Map.of("app", "llama")));
    spec.put("mode", mode);
    if (value != null) {
      spec.put("value", value);
    }
    if (peer != null) {
      spec.put("target", peer);
    }
    return spec;
  }

  private static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup("chaos-mesh.org").withVersion("v1alpha1").withKind(kind)
        .withPlural(plural).withNamespaced(true).build();
  }
}
