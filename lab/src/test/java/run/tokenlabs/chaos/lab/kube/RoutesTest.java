package run.tokenlabs.chaos.lab.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.lab.api.LabProfile;

/** The routing objects the lab seeds, read back the way a cluster audit reads them: by API discovery. */
class RoutesTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("gb10 routes every model through a plain HTTPRoute to its Service; no InferencePool exists")
  void gb10PlainRoutes() throws IOException {
    try (KubeApi api = new KubeApi(dir)) {
      KubernetesClient client = api.client();
      Routes.seed(client, LabProfile.gb10());

      List<GenericKubernetesResource> routes = list(client, Topology.GATEWAY_API_GROUP + "/v1", "HTTPRoute");
      assertThat(routes).extracting(r -> r.getMetadata().getName())
          .containsExactlyInAnyOrder(LabProfile.DEEPSEEK, LabProfile.LLAMA);
      assertThat(routes).allSatisfy(r -> assertThat(backend(r)).containsEntry("name", r.getMetadata().getName())
          .containsEntry("port", Topology.MODEL_PORT).doesNotContainKey("kind"));
      assertThat(list(client, Topology.INFERENCE_API_GROUP + "/v1", "InferencePool")).isEmpty();
    }
  }

  @Test
  @DisplayName("h200 puts the vLLM model behind an InferencePool its HTTPRoute points at; SGLang keeps a Service")
  void h200EndpointPicker() throws IOException {
    try (KubeApi api = new KubeApi(dir)) {
      KubernetesClient client = api.client();
      Routes.seed(client, LabProfile.h200());

      List<GenericKubernetesResource> pools = list(client, Topology.INFERENCE_API_GROUP + "/v1", "InferencePool");
      assertThat(pools).extracting(p -> p.getMetadata().getName()).containsExactly(LabProfile.DEEPSEEK);
      GenericKubernetesResource deepseek = client.genericKubernetesResources(Routes.HTTP_ROUTES)
          .inNamespace(Topology.NAMESPACE).withName(LabProfile.DEEPSEEK).get();
      assertThat(backend(deepseek)).containsEntry("kind", "InferencePool")
          .containsEntry("group", Topology.INFERENCE_API_GROUP).containsEntry("name", LabProfile.DEEPSEEK);
      GenericKubernetesResource llama = client.genericKubernetesResources(Routes.HTTP_ROUTES)
          .inNamespace(Topology.NAMESPACE).withName(LabProfile.LLAMA).get();
      assertThat(backend(llama)).doesNotContainKey("kind").containsEntry("name", LabProfile.LLAMA);
    }
  }

  private static List<GenericKubernetesResource> list(KubernetesClient client, String apiVersion, String kind) {
    // by apiVersion and kind, so fabric8 finds the plural through the API server's discovery documents
    return client.genericKubernetesResources(apiVersion, kind).inNamespace(Topology.NAMESPACE).list().getItems();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> backend(GenericKubernetesResource route) {
    Map<String, Object> spec = (Map<String, Object>) route.getAdditionalProperties().get("spec");
    Map<String, Object> rule = ((List<Map<String, Object>>) spec.get("rules")).get(0);
    return ((List<Map<String, Object>>) rule.get("backendRefs")).get(0);
  }
}
