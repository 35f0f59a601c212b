package run.tokenlabs.chaos.lab.dcgm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.api.LabProfile;
import run.tokenlabs.chaos.lab.golden.GoldenFamilies;
import run.tokenlabs.chaos.lab.golden.ServedFamilies;

/** The simulated dcgm-exporter against the real one's stock field list. */
class DcgmGoldenTest {
  private static final GoldenFamilies DEFAULTS = GoldenFamilies.load("dcgm-exporter-default-counters.families");

  /**
   * What the gb10 profile deliberately lacks, as the reference run's exporter did: its ConfigMap had
   * no FB_USED/FB_FREE, the SoC has no NVLink and reports no memory temperature, and its exporter
   * ran the older default list without the PCIe throughput, vGPU licence and row-remapping fields.
   */
  static final Set<String> ABSENT_ON_GB10 = Set.of("DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_FB_USED",
      "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", "DCGM_FI_DEV_MEMORY_TEMP", "DCGM_FI_DEV_PCIE_TX_THROUGHPUT",
      "DCGM_FI_DEV_PCIE_RX_THROUGHPUT", "DCGM_FI_DEV_VGPU_LICENSE_STATUS", "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS",
      "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", "DCGM_FI_DEV_ROW_REMAP_FAILURE");

  @Test
  @DisplayName("h200 serves every field of dcgm-exporter's default-counters.csv with its type and labels")
  void h200ServesTheStockList() throws Exception {
    try (DcgmExporter e = new DcgmExporter("h200-node-01", LabProfile.h200().gpu(), List::of)) {
      e.sample(0);
      assertThat(ServedFamilies.parse(e.render()).missingFrom(DEFAULTS)).isEmpty();
    }
  }

  @Test
  @DisplayName("gb10 serves the stock list less what the reference run's exporter lacked, and none of that")
  void gb10LacksWhatTheReferenceRunLacked() throws Exception {
    try (DcgmExporter e = new DcgmExporter("spark-01", LabProfile.gb10().gpu(), List::of)) {
      e.sample(0);
      ServedFamilies served = ServedFamilies.parse(e.render());
      assertThat(served.missingFrom(DEFAULTS.without(ABSENT_ON_GB10))).isEmpty();
      assertThat(ABSENT_ON_GB10).allSatisfy(f -> assertThat(served.type(f)).as(f).isNull());
    }
  }
}
