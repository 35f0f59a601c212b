package run.tokenlabs.chaos.lab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab API server's Eviction subresource and PodDisruptionBudgets, driven by fabric8's evict as the engine drives it. */
class EvictionsTest {
  @TempDir
  Path dir;
  KubeApi api;
  KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    api = new KubeApi(dir);
    client = api.client();
    client.policy().v1().podDisruptionBudget().inNamespace("ns").resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("llama").endMetadata().withNewSpec().withMinAvailable(new IntOrString(1))
        .withNewSelector().addToMatchLabels("app", "llama").endSelector().endSpec().build()).create();
    pod("llama-1", "llama", true);
    pod("bare", "other", true);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  @DisplayName("An eviction that would break minAvailable is answered 429 naming the budget, nothing is deleted, and the budget's status says why")
  void blockedByTheBudget() {
    assertThat(client.pods().inNamespace("ns").withName("llama-1").evict(eviction("llama-1"))).isFalse();

    assertThat(client.pods().inNamespace("ns").withName("llama-1").get()).isNotNull();
    var status = client.policy().v1().podDisruptionBudget().inNamespace("ns").withName("llama").get().getStatus();
    assertThat(status.getDisruptionsAllowed()).isZero();
    assertThat(status.getCurrentHealthy()).isEqualTo(1);
    assertThat(status.getDesiredHealthy()).isEqualTo(1);
    assertThat(status.getExpectedPods()).isEqualTo(1);
  }

  @Test
  @DisplayName("With a second Ready pod the budget allows one disruption: the pod is deleted; a pod no budget selects is evicted")
  void allowedEvictionDeletes() {
    pod("llama-2", "llama", true);

    assertThat(client.pods().inNamespace("ns").withName("llama-1").evict(eviction("llama-1"))).isTrue();
    assertThat(client.pods().inNamespace("ns").withName("bare").evict(eviction("bare"))).isTrue();

    assertThat(client.pods().inNamespace("ns").list().getItems()).extracting(p -> p.getMetadata().getName())
        .containsExactly("llama-2");
    assertThat(client.pods().inNamespace("ns").withName("llama-2").evict(eviction("llama-2"))).isFalse();
  }

  @Test
  @DisplayName("maxUnavailable as a percentage rounds down: 50% of 1 pod allows none, of 2 allows one")
  void maxUnavailablePercent() {
    var spec = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("maxUnavailable", "50%");
    assertThat(Evictions.desiredHealthy(spec, 1)).isEqualTo(1);
    assertThat(Evictions.desiredHealthy(spec, 2)).isEqualTo(1);
    assertThat(Evictions.desiredHealthy(spec.removeAll().put("minAvailable", "50%"), 3)).isEqualTo(2);
  }

  @Test
  @DisplayName("Evicting a pod that does not exist is NotFound; discovery serves poddisruptionbudgets in policy/v1")
  void notFoundAndDiscovery() {
    assertThatThrownBy(() -> client.pods().inNamespace("ns").withName("nope").evict(eviction("nope")))
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining("pods \"nope\" not found");
    assertThat(client.getApiGroups().getGroups()).anySatisfy(g -> assertThat(g.getName()).isEqualTo("policy"));
    assertThat(client.getApiResources("policy/v1").getResources())
        .anySatisfy(r -> assertThat(r.getName()).isEqualTo("poddisruptionbudgets"));
  }

  private static Eviction eviction(String name) {
    return new EvictionBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata().build();
  }

  private void pod(String name, String app, boolean ready) {
    client.pods().inNamespace("ns").resource(new PodBuilder().withNewMetadata().withName(name).addToLabels("app", app)
        .endMetadata().withNewSpec().withNodeName("spark-02").addNewContainer().withName("main").endContainer()
        .endSpec().withNewStatus().withPhase("Running").addNewCondition().withType("Ready")
        .withStatus(ready ? "True" : "False").endCondition().endStatus().build()).create();
  }
}
