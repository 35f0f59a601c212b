package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.spi.Capability;
import run.tokenlabs.chaos.probes.api.capabilities.FbMemoryMetrics;
import run.tokenlabs.chaos.probes.api.capabilities.NvlinkMetrics;
import run.tokenlabs.chaos.probes.api.capabilities.ProfilingMetrics;
import run.tokenlabs.chaos.probes.exposition.ExpositionParserTestResources;

class DcgmProbesTest {
  private static final String GB10 = ExpositionParserTestResources.read("dcgm-exporter-gb10.txt");
  private static final String H200 = """
      # HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).
      # TYPE DCGM_FI_DEV_FB_USED gauge
      DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",device="nvidia0",modelName="NVIDIA H200",Hostname="h200-1"} 120000
      DCGM_FI_DEV_FB_USED{gpu="1",UUID="GPU-b",device="nvidia1",modelName="NVIDIA H200",Hostname="h200-1"} 118000
      DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-a",device="nvidia0",modelName="NVIDIA H200",Hostname="h200-1"} 20000
      DCGM_FI_DEV_FB_FREE{gpu="1",UUID="GPU-b",device="nvidia1",modelName="NVIDIA H200",Hostname="h200-1"} 22000
      DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL{gpu="0",UUID="GPU-a",device="nvidia0",modelName="NVIDIA H200",Hostname="h200-1"} 9.1e+10
      DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL{gpu="1",UUID="GPU-b",device="nvidia1",modelName="NVIDIA H200",Hostname="h200-1"} 8.7e+10
      DCGM_FI_PROF_SM_ACTIVE{gpu="0",UUID="GPU-a",device="nvidia0",modelName="NVIDIA H200",Hostname="h200-1"} 0.8
      """;

  @Test
  @DisplayName("GB10 straight from the exporter: FB and NVLink fields named missing with their ids")
  void gb10FromExporter() throws Exception {
    try (TestExporter exporter = new TestExporter().serve(GB10)) {
      DcgmInventory inventory = DcgmProbes.using(List.of(exporter.metricsUrl()), null, Duration.ofSeconds(2))
          .fromExporters();

      assertThat(inventory.gpus()).containsExactly(
          new Gpu("spark-01", "0", "GPU-5c9a0b1e-7f3d-4b2a-9e61-0d2c8f4a7b13", "NVIDIA GB10"));
      assertThat(inventory.fieldsByGpu().values().iterator().next()).hasSize(12).contains("DCGM_FI_DEV_GPU_UTIL");
      DcgmInventory.Comparison comparison = inventory.compareTo(DcgmField.EXPORTER_DEFAULTS);
      assertThat(comparison.complete()).isFalse();
      assertThat(comparison.gaps()).singleElement().satisfies(gap -> assertThat(gap.missing()).containsExactly(
          DcgmField.DCGM_FI_DEV_FB_FREE, DcgmField.DCGM_FI_DEV_FB_USED, DcgmField.DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL));
      assertThat(comparison.toString()).startsWith("GPU 0 (NVIDIA GB10, spark-01): missing DCGM_FI_DEV_FB_FREE (251), "
          + "DCGM_FI_DEV_FB_USED (252), DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL (449)");
    }
  }

  @Test
  @DisplayName("capabilities on GB10: absent, with a reason @RequiresCapability can show")
  void capabilitiesAbsentOnGb10() throws Exception {
    try (TestExporter exporter = new TestExporter().serve(GB10)) {
      TestTarget target = TestTarget.withDcgmExporters(exporter.metricsUrl());

      Capability.Availability nvlink = new NvlinkMetrics().check(target);
      assertThat(nvlink.present()).isFalse();
      assertThat(nvlink.reason()).startsWith("DCGM exposes no NVLink fields on [GPU 0 (NVIDIA GB10, spark-01)] "
          + "(DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL (449), DCGM_FI_PROF_NVLINK_TX_BYTES (1011), "
          + "DCGM_FI_PROF_NVLINK_RX_BYTES (1012) absent").contains("hardware limitation");
      Capability.Availability fb = new FbMemoryMetrics().check(target);
      assertThat(fb.present()).isFalse();
      assertThat(fb.reason()).contains("DCGM_FI_DEV_FB_USED (252)").contains("DCGM_FI_DEV_FB_FREE (251)");
      assertThat(new ProfilingMetrics().check(target).present()).isFalse();
    }
  }

  @Test
  @DisplayName("capabilities on H200: NVLink and FB present on both GPUs; profiling only on one, so absent")
  void capabilitiesOnH200() throws Exception {
    try (TestExporter exporter = new TestExporter().serve(H200)) {
      TestTarget target = TestTarget.withDcgmExporters(exporter.metricsUrl());

      assertThat(new NvlinkMetrics().check(target).present()).isTrue();
      assertThat(new FbMemoryMetrics().check(target).reason()).contains("on all 2 GPU(s)");
      Capability.Availability profiling = new ProfilingMetrics().check(target);
      assertThat(profiling.present()).isFalse();
      assertThat(profiling.reason()).contains("GPU 1 (NVIDIA H200, h200-1)").doesNotContain("GPU 0");
    }
  }

  @Test
  void noSourceIsAbsentAndADeadExporterIsAnError() throws Exception {
    assertThat(new NvlinkMetrics().check(TestTarget.withDcgmExporters()).reason())
        .contains("lists no DCGM exporter and has no Prometheus");
    URI dead;
    try (TestExporter exporter = new TestExporter()) {
      dead = exporter.metricsUrl();
    }
    assertThatThrownBy(() -> new NvlinkMetrics().check(TestTarget.withDcgmExporters(dead)))
        .isInstanceOf(ProbeException.class).hasMessageContaining("DCGM exporter " + dead + " did not answer");
  }
}
