package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.golden.GoldenFamilies;
import run.tokenlabs.chaos.lab.golden.ServedFamilies;

/**
 * Every exporter of a running gb10 lab against the golden families of the real one: what
 * Prometheus scrapes here is a superset of what it would scrape on the cluster, with the same types
 * and labels. Deliberate gaps of the profile are named, and checked to be gaps.
 */
@LabTest(rules = "src/test/resources/lab-rules")
class ExpositionGoldenIT {

  private static ServedFamilies served(URI metrics) throws Exception {
    return ServedFamilies.parse(OpenAiCalls.get(metrics));
  }

  @Test
  @DisplayName("vLLM: the DeepSeek pod serves vLLM 0.10.2's families")
  void vllm(Lab lab) throws Exception {
    URI pod = lab.modelUrl(LabProfile.DEEPSEEK).orElseThrow();
    OpenAiCalls.post(pod.resolve("/v1/completions"), OpenAiCalls.completionBody(LabProfile.DEEPSEEK, "tok", 2, false));
    assertThat(served(pod.resolve("/metrics")).missingFrom(GoldenFamilies.load("vllm-0.10.2.families"))).isEmpty();
  }

  @Test
  @DisplayName("SGLang: the Llama pod serves SGLang's documented families")
  void sglang(Lab lab) throws Exception {
    URI pod = lab.modelUrl(LabProfile.LLAMA).orElseThrow();
    assertThat(served(pod.resolve("/metrics")).missingFrom(GoldenFamilies.load("sglang.families"))).isEmpty();
  }

  @Test
  @DisplayName("dcgm-exporter: every gb10 node serves the stock fields less the ones the reference run lacked")
  void dcgm(Lab lab) throws Exception {
    Set<String> absent = Set.of("DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL",
        "DCGM_FI_DEV_MEMORY_TEMP", "DCGM_FI_DEV_PCIE_TX_THROUGHPUT", "DCGM_FI_DEV_PCIE_RX_THROUGHPUT",
        "DCGM_FI_DEV_VGPU_LICENSE_STATUS", "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS",
        "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", "DCGM_FI_DEV_ROW_REMAP_FAILURE");
    GoldenFamilies golden = GoldenFamilies.load("dcgm-exporter-default-counters.families").without(absent);
    for (URI exporter : lab.dcgmExporterUrls()) {
      ServedFamilies served = served(exporter);
      assertThat(served.missingFrom(golden)).as(exporter.toString()).isEmpty();
      assertThat(absent).allSatisfy(f -> assertThat(served.type(f)).as(f + " on " + exporter).isNull());
    }
  }

  @Test
  @DisplayName("kube-state-metrics: the view serves KSM v2's families with their labels")
  void kubeStateMetrics(Lab lab) throws Exception {
    assertThat(served(lab.kubeStateMetricsUrl()).missingFrom(GoldenFamilies.load("kube-state-metrics-v2.families")))
        .isEmpty();
  }

  @Test
  @DisplayName("Envoy: the gateway's admin stats serve Envoy's families")
  void envoy(Lab lab) throws Exception {
    OpenAiCalls.post(lab.gatewayUrl().resolve("/v1/completions"),
        OpenAiCalls.completionBody(LabProfile.LLAMA, "tok", 2, false));
    assertThat(served(lab.gatewayStatsUrl()).missingFrom(GoldenFamilies.load("envoy.families"))).isEmpty();
  }
}
