package run.tokenlabs.chaos.lab.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The kube-state-metrics view follows the API objects: vanished objects leave no series behind. */
@EnableKubernetesMockClient(crud = true)
class KubeStateMetricsTest {
  KubernetesClient client;

  @Test
  @DisplayName("kube_endpoint_info stays for an emptied Endpoints while its address series vanish")
  void endpointInfoOutlivesAddresses() throws Exception {
    client.endpoints().inNamespace("token-labs").resource(new EndpointsBuilder()
        .withNewMetadata().withName("llama-3-1-8b").withNamespace("token-labs").endMetadata()
        .addNewSubset().addNewAddress().withIp("10.0.0.7").endAddress().endSubset().build()).create();
    client.endpoints().inNamespace("token-labs").resource(new EndpointsBuilder()
        .withNewMetadata().withName("deepseek-r1-7b").withNamespace("token-labs").endMetadata().build()).create();

    try (KubeStateMetrics ksm = new KubeStateMetrics(client)) {
      String text = ksm.render();

      assertThat(text).contains("kube_endpoint_info{namespace=\"token-labs\",endpoint=\"llama-3-1-8b\"} 1")
          .contains("kube_endpoint_info{namespace=\"token-labs\",endpoint=\"deepseek-r1-7b\"} 1")
          .contains("kube_endpoint_address{namespace=\"token-labs\",endpoint=\"llama-3-1-8b\",ip=\"10.0.0.7\",ready=\"true\"} 1")
          .doesNotContain("kube_endpoint_address{namespace=\"token-labs\",endpoint=\"deepseek-r1-7b\"");
    }
  }

  @Test
  @DisplayName("A deleted pod's series are gone from the next scrape, not set to 0")
  void deletedPodVanishes() throws Exception {
    client.pods().inNamespace("token-labs").resource(new PodBuilder().withNewMetadata()
        .withName("deepseek-r1-7b-vllm-leader").withNamespace("token-labs").endMetadata()
        .withNewSpec().withRestartPolicy("Never").endSpec().build()).create();

    try (KubeStateMetrics ksm = new KubeStateMetrics(client)) {
      assertThat(ksm.render()).contains("pod=\"deepseek-r1-7b-vllm-leader\"");
      client.pods().inNamespace("token-labs").withName("deepseek-r1-7b-vllm-leader").withGracePeriod(0).delete();

      assertThat(ksm.render()).doesNotContain("deepseek-r1-7b-vllm-leader");
    }
  }
}
