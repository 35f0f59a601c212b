package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.lab.api.LabProfile;
import run.tokenlabs.chaos.lab.kube.KubeApi;
import run.tokenlabs.chaos.lab.kube.Topology;

/** The routing layer read from a real API server front (the lab's), seeded as each lab profile seeds it. */
class RoutingLayerTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("gb10: two plain routes to Services, no pool, no endpoint picker")
  void plainRoutes() throws IOException {
    try (KubeApi api = new KubeApi(dir)) {
      Topology.seed(api.client(), LabProfile.gb10());

      RoutingLayer routing = RoutingLayer.read(api.client(), Topology.NAMESPACE);

      assertThat(routing.routes()).extracting(RoutingLayer.Route::name)
          .containsExactlyInAnyOrder(LabProfile.DEEPSEEK, LabProfile.LLAMA);
      assertThat(routing.routes()).allSatisfy(r -> assertThat(r.backends()).containsExactly("Service/" + r.name()));
      assertThat(routing.pools()).isEmpty();
      assertThat(routing.hasEndpointPicker()).isFalse();
      assertThat(routing.notInstalled()).isEmpty();
    }
  }

  @Test
  @DisplayName("h200: the vLLM model's route goes through its InferencePool, SGLang's to its Service")
  void endpointPicker() throws IOException {
    try (KubeApi api = new KubeApi(dir)) {
      Topology.seed(api.client(), LabProfile.h200());

      RoutingLayer routing = RoutingLayer.read(api.client(), Topology.NAMESPACE);

      assertThat(routing.pools()).containsExactly(LabProfile.DEEPSEEK);
      assertThat(routing.hasEndpointPicker()).isTrue();
      assertThat(routing.routes()).filteredOn(RoutingLayer.Route::viaEndpointPicker)
          .extracting(RoutingLayer.Route::name).containsExactly(LabProfile.DEEPSEEK);
      assertThat(routing.describe()).contains(LabProfile.LLAMA + " -> [Service/" + LabProfile.LLAMA
          + "] (plain Service)", "InferencePool/" + LabProfile.DEEPSEEK);
    }
  }
}
