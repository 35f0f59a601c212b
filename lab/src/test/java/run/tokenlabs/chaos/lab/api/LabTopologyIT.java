package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@LabTest(rules = "src/test/resources/lab-rules")
class LabTopologyIT {

  @BeforeEach
  void steadyState(Lab lab) {
    lab.awaitTargetsScraped(Duration.ofSeconds(30));
  }

  @Test
  @DisplayName("token-labs holds a bare DeepSeek pod and a Deployment-owned Llama pod, both Ready")
  void topologyAsInDesign(Lab lab) {
    KubernetesClient k8s = lab.kubernetesClient();
    assertThat(k8s.namespaces().withName("token-labs").get().getMetadata().getLabels())
        .containsEntry("tokenlabs.run/chaos", "allowed");
    assertThat(k8s.namespaces().withName("gpu-operator").get()).isNotNull();
    assertThat(k8s.namespaces().withName("monitoring").get()).isNotNull();

    Pod bare = k8s.pods().inNamespace("token-labs").withName(LabProfile.DEEPSEEK_POD).get();
    assertThat(bare.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(bare.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(bare.getMetadata().getLabels()).containsEntry("app", "deepseek-r1-7b");
    assertThat(ready(bare)).isTrue();

    Pod llama = k8s.pods().inNamespace("token-labs").withLabel("app", "llama-3-1-8b").list().getItems().get(0);
    String rs = llama.getMetadata().getOwnerReferences().get(0).getName();
    assertThat(llama.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("ReplicaSet");
    assertThat(k8s.apps().replicaSets().inNamespace("token-labs").withName(rs).get().getMetadata()
        .getOwnerReferences().get(0).getName()).isEqualTo("llama-3-1-8b");
    assertThat(ready(llama)).isTrue();
    assertThat(k8s.endpoints().inNamespace("token-labs").withName("deepseek-r1-7b").get().getSubsets())
        .flatExtracting(s -> s.getAddresses()).hasSize(1);
    assertThat(k8s.pods().inNamespace("gpu-operator").list().getItems()).hasSize(lab.profile().nodes().size());
  }

  @Test
  @DisplayName("kubectl lists the pods of token-labs through the lab's kubeconfig")
  void kubectlWorks(Lab lab) throws Exception {
    Assumptions.assumeTrue(which("kubectl"), "kubectl is not on PATH");
    Process p = new ProcessBuilder("kubectl", "--kubeconfig", lab.kubeconfigPath().toString(), "get", "pods",
        "-n", "token-labs").redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("READY", "STATUS", LabProfile.DEEPSEEK_POD, "llama-3-1-8b-");
    assertThat(out.lines().filter(l -> l.startsWith(LabProfile.DEEPSEEK_POD))).singleElement().asString()
        .contains("1/1").contains("Running");
  }

  @Test
  @DisplayName("Prometheus scrapes vLLM, SGLang, DCGM (gb10 fields only), Envoy stats and kube-state-metrics")
  void prometheusSeesEveryTarget(Lab lab) {
    assertThat(PromQueries.single(lab, "vllm:num_requests_running{model_name=\"deepseek-r1-7b\"}")).isZero();
    assertThat(PromQueries.single(lab, "sglang:num_running_reqs{model_name=\"llama-3-1-8b\"}")).isZero();
    assertThat(PromQueries.instant(lab, "DCGM_FI_DEV_GPU_UTIL")).hasSize(2);
    assertThat(PromQueries.instant(lab, "DCGM_FI_DEV_FB_USED")).isEmpty();
    assertThat(PromQueries.instant(lab, "{__name__=~\"DCGM_FI_DEV_NVLINK.*\"}")).isEmpty();
    assertThat(PromQueries.single(lab, "kube_pod_owner{pod=\"deepseek-r1-7b-vllm-leader\",owner_kind=\"<none>\"}"))
        .isEqualTo(1);
    assertThat(PromQueries.instant(lab, "envoy_cluster_membership_healthy")).hasSize(2);
    await("recording rule from the PrometheusRule manifest").atMost(Duration.ofSeconds(15))
        .until(() -> PromQueries.single(lab, "lab:ready_pods:count") == 2);
  }

  @Test
  @DisplayName("a stream through the gateway has exact tokens, finish_reason, usage and [DONE]")
  void streamThroughGateway(Lab lab) {
    OpenAiCalls.Result r = OpenAiCalls.stream(lab.gatewayUrl(),
        OpenAiCalls.completionBody("llama-3-1-8b", OpenAiCalls.words(40), 17, true), System.nanoTime());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.dataChunks()).isEqualTo(17);
    assertThat(r.finishReason()).isEqualTo("length");
    assertThat(r.done()).isTrue();
    assertThat(r.usage()).contains("\"prompt_tokens\":40", "\"completion_tokens\":17");
  }

  @Test
  @DisplayName("the gateway passes the trace on to the model pod: the client's trace id, its own span as parent")
  void traceparentReachesThePod(Lab lab) throws Exception {
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    HttpRequest request = HttpRequest.newBuilder(lab.gatewayUrl().resolve("/v1/completions"))
        .header("Content-Type", "application/json").header("traceparent", traceparent)
        .POST(HttpRequest.BodyPublishers.ofString(
            OpenAiCalls.completionBody("llama-3-1-8b", OpenAiCalls.words(8), 2, false))).build();

    assertThat(OpenAiCalls.HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    // as Envoy does with a tracer: same trace, the gateway's span (not the client's) as the pod's parent
    assertThat(lab.modelStats("llama-3-1-8b")).anySatisfy(s -> assertThat(s.lastTraceparent())
        .matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01")
        .isNotEqualTo(traceparent));
  }

  private static boolean ready(Pod p) {
    return p.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private static boolean which(String tool) {
    for (String dir : System.getenv("PATH").split(java.io.File.pathSeparator)) {
      if (new java.io.File(dir, tool).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
