package run.tokenlabs.chaos.probes.api.capabilities;

import run.tokenlabs.chaos.probes.api.DcgmField;
import run.tokenlabs.chaos.probes.api.DcgmInventory;

/** Every GPU exposes frame-buffer memory use: FB_USED (252) and FB_FREE (251). */
public final class FbMemoryMetrics extends DcgmCapability {

  @Override
  public String name() {
    return "FB memory metrics";
  }

  @Override
  Availability judge(DcgmInventory inventory) {
    DcgmInventory.Comparison comparison = inventory.compareTo(DcgmField.FB_MEMORY);
    if (comparison.complete()) {
      return Availability.present(names(DcgmField.FB_MEMORY) + " exposed on all " + comparison.gpuCount() + " GPU(s)");
    }
    return Availability.absent("DCGM does not export frame-buffer memory: " + comparison
        + "; enable them in the exporter's counters CSV (on unified-memory GPUs such as GB10 the driver may not report them)");
  }
}
