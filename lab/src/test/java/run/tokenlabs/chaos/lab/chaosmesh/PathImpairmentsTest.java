package run.tokenlabs.chaos.lab.chaosmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.gateway.UpstreamImpairment.Effect;
import run.tokenlabs.chaos.lab.kube.PodTarget;

/** How the lab turns Chaos Mesh resources into the fate of each request on the gateway-to-pod path. */
class PathImpairmentsTest {
  private static final URI LLAMA = URI.create("http://127.0.0.1:40001");
  private static final URI DEEPSEEK = URI.create("http://127.0.0.1:40002");
  private final PathImpairments path = new PathImpairments(() -> List.of(
      new PodTarget("llama-0", "llama-3-1-8b", "spark-01", LLAMA, true),
      new PodTarget("deepseek-0", "deepseek-r1-7b", "spark-01", DEEPSEEK, true)));

  @Test
  @DisplayName("A delay, a partition and an abort act on their pod only; other pods' requests pass untouched")
  void faultsActOnTheirPodOnly() {
    path.put("NetworkChaos/token-labs/d", Map.of("llama-0", new PathImpairments.Fault(Duration.ofMillis(300),
        Duration.ZERO, 0, false, false)));
    path.put("NetworkChaos/token-labs/p", Map.of("llama-0", new PathImpairments.Fault(Duration.ZERO, Duration.ZERO, 0,
        true, false)));

    assertThat(path.on(LLAMA)).isEqualTo(new Effect(Duration.ofMillis(300), true, false));
    assertThat(path.on(DEEPSEEK)).isEqualTo(Effect.NONE);

    path.remove("NetworkChaos/token-labs/p");
    path.remove("NetworkChaos/token-labs/d");
    assertThat(path.on(LLAMA)).isEqualTo(Effect.NONE);
  }

  @Test
  @DisplayName("Loss of 100% costs every request one retransmission; jitter keeps the delay within latency +- jitter")
  void lossAndJitter() {
    path.put("NetworkChaos/token-labs/l", Map.of("deepseek-0", new PathImpairments.Fault(Duration.ZERO, Duration.ZERO,
        100, false, false)));
    assertThat(path.on(DEEPSEEK).delay()).isEqualTo(PathImpairments.RETRANSMISSION);

    path.remove("NetworkChaos/token-labs/l");
    path.put("NetworkChaos/token-labs/j", Map.of("deepseek-0", new PathImpairments.Fault(Duration.ofMillis(100),
        Duration.ofMillis(20), 0, false, false)));
    for (int i = 0; i < 200; i++) {
      assertThat(path.on(DEEPSEEK).delay()).isBetween(Duration.ofMillis(80), Duration.ofMillis(120));
    }
  }

  @Test
  @DisplayName("The spec as the engine writes it: mode fixed with its value, the duration, the HTTP action")
  void specAsWritten() {
    ChaosSpec spec = ChaosSpec.of(resource("HTTPChaos", Map.of("selector", Map.of("namespaces", List.of("token-labs"),
        "labelSelectors", Map.of("app", "llama-3-1-8b")), "mode", "fixed", "value", "2", "target", "Request",
        "port", 8000, "delay", "1500ms", "duration", "45s")));

    assertThat(spec.action()).isEqualTo("delay");
    assertThat(spec.pods()).isEqualTo(2);
    assertThat(spec.labels()).containsExactly(Map.entry("app", "llama-3-1-8b"));
    assertThat(spec.duration()).contains(Duration.ofSeconds(45));
    assertThat(ChaosSpec.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> ChaosSpec.duration("1h30m")).hasMessageContaining("write it as e.g. 300ms or 45s");
  }

  private static GenericKubernetesResource resource(String kind, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder().withApiVersion("chaos-mesh.org/v1alpha1").withKind(kind)
        .withNewMetadata().withName("x").withNamespace("token-labs").endMetadata()
        .addToAdditionalProperties("spec", spec).build();
  }
}
