package run.tokenlabs.chaos.probes.api.capabilities;

import java.util.Arrays;
import java.util.List;
import run.tokenlabs.chaos.probes.api.DcgmField;
import run.tokenlabs.chaos.probes.api.DcgmInventory;
import run.tokenlabs.chaos.probes.api.Gpu;

/** Every GPU exposes at least one DCGM profiling (DCP) field, {@code DCGM_FI_PROF_*}. */
public final class ProfilingMetrics extends DcgmCapability {

  @Override
  public String name() {
    return "DCGM profiling metrics";
  }

  @Override
  Availability judge(DcgmInventory inventory) {
    List<Gpu> without = inventory.fieldsByGpu().entrySet().stream()
        .filter(e -> e.getValue().stream().noneMatch(f -> f.startsWith("DCGM_FI_PROF_")))
        .map(java.util.Map.Entry::getKey).toList();
    if (without.isEmpty()) {
      return Availability.present("DCGM_FI_PROF_* fields exposed on all " + inventory.gpus().size() + " GPU(s)");
    }
    List<DcgmField> profiling = Arrays.stream(DcgmField.values()).filter(DcgmField::profiling).limit(3).toList();
    return Availability.absent("DCGM exposes no profiling fields on " + without + " (e.g. " + names(profiling)
        + " absent; " + inventory.source() + "): the GPU or driver lacks DCP support, or the exporter runs without "
        + "the profiling module / a dcp-metrics CSV");
  }
}
