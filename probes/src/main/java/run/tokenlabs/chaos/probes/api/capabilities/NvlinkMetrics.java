package run.tokenlabs.chaos.probes.api.capabilities;

import java.util.List;
import run.tokenlabs.chaos.probes.api.DcgmField;
import run.tokenlabs.chaos.probes.api.DcgmInventory;
import run.tokenlabs.chaos.probes.api.Gpu;

/** Every GPU exposes at least one NVLink traffic field (bandwidth total or profiling tx/rx). */
public final class NvlinkMetrics extends DcgmCapability {

  @Override
  public String name() {
    return "NVLink metrics";
  }

  @Override
  Availability judge(DcgmInventory inventory) {
    List<Gpu> without = inventory.fieldsByGpu().entrySet().stream()
        .filter(e -> DcgmField.NVLINK.stream().noneMatch(f -> e.getValue().contains(f.name())))
        .map(java.util.Map.Entry::getKey).toList();
    if (without.isEmpty()) {
      return Availability.present("NVLink fields exposed on all " + inventory.gpus().size() + " GPU(s)");
    }
    return Availability.absent("DCGM exposes no NVLink fields on " + without + " (" + names(DcgmField.NVLINK)
        + " absent; " + inventory.source() + "): hardware limitation (no NVLink, e.g. GB10) or the fields are "
        + "not enabled in the exporter's counters CSV");
  }
}
