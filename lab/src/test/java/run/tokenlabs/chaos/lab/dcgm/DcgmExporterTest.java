package run.tokenlabs.chaos.lab.dcgm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.api.LabProfile;

class DcgmExporterTest {
  private final AtomicLong busy = new AtomicLong();

  @Test
  void gb10ExportsElevenFamiliesWithoutNvlinkOrFramebuffer() throws Exception {
    try (DcgmExporter e = new DcgmExporter("spark-01", LabProfile.gb10().gpu(), List::of)) {
      String page = e.render();
      assertThat(page.lines().filter(l -> l.startsWith("# TYPE "))).hasSize(11);
      assertThat(page).doesNotContain("NVLINK").doesNotContain("DCGM_FI_DEV_FB_").doesNotContain("MEMORY_TEMP")
          .contains("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-", "modelName=\"NVIDIA GB10\"", "Hostname=\"spark-01\"");
    }
  }

  @Test
  void h200ExportsNvlinkAndFramebufferAndMapsThePod() throws Exception {
    GpuOccupant pod = new GpuOccupant("deepseek-r1-7b-vllm-leader", "token-labs", "vllm", busy::get);
    try (DcgmExporter e = new DcgmExporter("h200-node-01", LabProfile.h200().gpu(), () -> List.of(pod))) {
      e.sample(0);
      String page = e.render();
      assertThat(page).contains("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL{", "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL{",
          "DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL{", "DCGM_FI_DEV_FB_USED{", "DCGM_FI_DEV_FB_FREE{",
          "container=\"vllm\",namespace=\"token-labs\",pod=\"deepseek-r1-7b-vllm-leader\"");
    }
  }

  @Test
  void utilisationIsTheBusyShareAndPowerFollowsIt() throws Exception {
    GpuOccupant pod = new GpuOccupant("p", "token-labs", "vllm", busy::get);
    try (DcgmExporter e = new DcgmExporter("spark-01", LabProfile.gb10().gpu(), () -> List.of(pod))) {
      e.sample(0);
      busy.addAndGet(250_000_000); // busy a quarter of the next second
      e.sample(1_000_000_000);
      assertThat(e.utilisation()).isEqualTo(0.25);
      String page = e.render();
      assertThat(page).contains("DCGM_FI_DEV_GPU_UTIL{").contains(" 25\n");
      double power = Double.parseDouble(page.lines().filter(l -> l.startsWith("DCGM_FI_DEV_POWER_USAGE{"))
          .findFirst().orElseThrow().replaceAll(".* ", ""));
      assertThat(power).isCloseTo(8 + 0.25 * (95 - 8), org.assertj.core.data.Offset.offset(2.0));
    }
  }

  @Test
  void aRecreatedPodWithTheSameNameStillCounts() throws Exception {
    AtomicLong second = new AtomicLong();
    List<GpuOccupant> occupants = new java.util.ArrayList<>(List.of(new GpuOccupant("p", "token-labs", "vllm",
        busy::get)));
    try (DcgmExporter e = new DcgmExporter("spark-01", LabProfile.gb10().gpu(), () -> List.copyOf(occupants))) {
      busy.set(5_000_000_000L);
      e.sample(0);
      occupants.set(0, new GpuOccupant("p", "token-labs", "vllm", second::get)); // same name, new process
      e.sample(100_000_000);
      second.set(500_000_000);
      e.sample(1_100_000_000);
      assertThat(e.utilisation()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.01));
    }
  }
}
