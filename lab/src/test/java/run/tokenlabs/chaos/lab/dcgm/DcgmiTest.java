package run.tokenlabs.chaos.lab.dcgm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.api.GpuProfile;
import run.tokenlabs.chaos.lab.api.LabProfile;

/** {@code dcgmi test --inject} against the DCGM simulator: what it exposes and what it refuses. */
class DcgmiTest {
  private DcgmExporter exporter;
  private final List<Long> told = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    GpuProfile gpu = LabProfile.gb10().gpu();
    exporter = new DcgmExporter("spark-1", gpu, List::of);
    exporter.onXid(told::add);
  }

  @AfterEach
  void tearDown() {
    exporter.close();
  }

  @Test
  @DisplayName("XID 79 injected into field 230 of GPU 0 is exposed as DCGM_FI_DEV_XID_ERRORS 79; 0 resets it")
  void injectedXidIsExposed() {
    Dcgmi.Outcome outcome = Dcgmi.run(List.of("dcgmi", "test", "--inject", "--gpuid", "0", "-f", "230", "-v", "79"),
        exporter);

    assertThat(outcome.exitCode()).isZero();
    assertThat(xidLine()).endsWith(" 79");
    Dcgmi.run(List.of("dcgmi", "test", "--inject", "--gpuid", "0", "-f", "230", "-v", "0"), exporter);
    assertThat(xidLine()).endsWith(" 0");
    assertThat(told).containsExactly(79L, 0L);
  }

  @Test
  @DisplayName("Another GPU, another field or another subcommand fails with a non-zero exit and changes nothing")
  void unsupportedInjectionsFail() {
    assertThat(Dcgmi.run(List.of("dcgmi", "test", "--inject", "--gpuid", "1", "-f", "230", "-v", "79"), exporter))
        .satisfies(o -> assertThat(o.exitCode()).isEqualTo(1))
        .satisfies(o -> assertThat(o.output()).contains("GPU 1 not found"));
    assertThat(Dcgmi.run(List.of("dcgmi", "test", "--inject", "--gpuid", "0", "-f", "150", "-v", "90"), exporter)
        .output()).contains("field 230 (DCGM_FI_DEV_XID_ERRORS) only; seen field 150");
    assertThat(Dcgmi.run(List.of("dcgmi", "discovery", "-l"), exporter).exitCode()).isEqualTo(2);
    assertThat(Dcgmi.run(List.of("nvidia-smi"), exporter).exitCode()).isEqualTo(127);
    assertThat(xidLine()).endsWith(" 0");
    assertThat(told).isEmpty();
  }

  private String xidLine() {
    return exporter.render().lines().filter(l -> l.startsWith("DCGM_FI_DEV_XID_ERRORS{")).findFirst().orElseThrow();
  }
}
