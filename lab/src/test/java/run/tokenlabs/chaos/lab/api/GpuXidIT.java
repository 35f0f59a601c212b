package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * XID injection in the lab as the engine's fault sends it: {@code dcgmi test --inject} by exec into the
 * DCGM pod of the DeepSeek GPU's node. The exporter reports the XID, and XID 79 fails the model server
 * on that GPU as vLLM fails when its GPU falls off the bus; resetting the field brings it back.
 */
@LabTest
class GpuXidIT {
  private static final String MODEL = "deepseek-r1-7b";

  @Test
  @DisplayName("XID 79 on DeepSeek's GPU: exporter reports 79, the stream is cut, the pod is unready and 503s "
      + "follow; reset to 0: the container restarts (restartCount 1) and serves again")
  void xid79LosesTheGpuUntilReset(Lab lab) throws Exception {
    KubernetesClient k8s = lab.kubernetesClient();
    String node = lab.profile().model(MODEL).node();
    Pod dcgm = k8s.pods().inNamespace("gpu-operator").list().getItems().stream()
        .filter(p -> node.equals(p.getSpec().getNodeName())).findFirst().orElseThrow();
    URI exporter = lab.dcgmExporterUrls().get(lab.profile().nodes().indexOf(node));
    CompletableFuture<OpenAiCalls.Result> open = CompletableFuture.supplyAsync(() -> OpenAiCalls.stream(
        lab.gatewayUrl(), OpenAiCalls.completionBody(MODEL, "hello", 100_000, true), System.nanoTime()));
    await("a long stream is running").atMost(Duration.ofSeconds(10))
        .until(() -> lab.modelStats(MODEL).stream().anyMatch(s -> s.running() == 1));

    assertThat(dcgmi(k8s, dcgm, 79)).isZero();

    assertThat(xid(exporter)).isEqualTo(79);
    OpenAiCalls.Result cut = open.get(10, TimeUnit.SECONDS);
    assertThat(cut.done()).as("a stream on a lost GPU must not end with [DONE]").isFalse();
    var pods = k8s.pods().inNamespace("token-labs");
    await("pod unready and gateway 503").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(ready(pods.withName(LabProfile.DEEPSEEK_POD).get())).isFalse();
      assertThat(OpenAiCalls.post(lab.gatewayUrl().resolve("/v1/completions"),
          OpenAiCalls.completionBody(MODEL, "hi", 3, false)).statusCode()).isEqualTo(503);
    });

    assertThat(dcgmi(k8s, dcgm, 0)).isZero();

    assertThat(xid(exporter)).isZero();
    await("restarted container Ready and served").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Pod pod = pods.withName(LabProfile.DEEPSEEK_POD).get();
      assertThat(ready(pod)).isTrue();
      assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount()).isEqualTo(1);
      assertThat(OpenAiCalls.post(lab.gatewayUrl().resolve("/v1/completions"),
          OpenAiCalls.completionBody(MODEL, "hi", 3, false)).statusCode()).isEqualTo(200);
    });
  }

  private static int dcgmi(KubernetesClient k8s, Pod dcgm, int value) throws Exception {
    try (ExecWatch watch = k8s.pods().inNamespace("gpu-operator").withName(dcgm.getMetadata().getName())
        .inContainer(dcgm.getSpec().getContainers().get(0).getName()).writingOutput(new ByteArrayOutputStream())
        .writingError(new ByteArrayOutputStream())
        .exec("dcgmi", "test", "--inject", "--gpuid", "0", "-f", "230", "-v", String.valueOf(value))) {
      return watch.exitCode().get(20, TimeUnit.SECONDS);
    }
  }

  /** The value of {@code DCGM_FI_DEV_XID_ERRORS} on the exporter's page (one GPU per node in the lab). */
  private static double xid(URI exporter) throws Exception {
    String line = OpenAiCalls.get(exporter).lines().filter(l -> l.startsWith("DCGM_FI_DEV_XID_ERRORS{")).findFirst()
        .orElseThrow(() -> new AssertionError("no DCGM_FI_DEV_XID_ERRORS sample at " + exporter));
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
        && "True".equals(c.getStatus()));
  }
}
