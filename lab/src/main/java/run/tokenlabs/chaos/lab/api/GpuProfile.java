package run.tokenlabs.chaos.lab.api;

import java.util.Objects;

/**
 * The simulated GPU of every node, as its DCGM exporter shows it: model name, memory, power and
 * clock ranges, and which fields the exporter exports at all.
 *
 * @param modelName DCGM's {@code modelName} label, e.g. {@code NVIDIA GB10}
 * @param memoryMiB framebuffer size (unified memory on GB10)
 * @param idlePowerWatts power at 0% utilisation
 * @param maxPowerWatts power at 100% utilisation
 * @param idleSmClockMhz SM clock at idle
 * @param maxSmClockMhz SM clock at full load
 * @param nvlink whether NVLink bandwidth and error-counter fields exist
 * @param fbFieldsExported whether {@code DCGM_FI_DEV_FB_USED} / {@code _FB_FREE} are exported
 * @param memoryTemperature whether {@code DCGM_FI_DEV_MEMORY_TEMP} is exported
 * @param currentDefaultCounters whether the exporter runs dcgm-exporter's current
 *     {@code default-counters.csv}, which adds PCIe throughput, vGPU licence status and row-remapping
 *     fields to the older default list (the reference run's exporter had the older one)
 */
public record GpuProfile(String modelName, long memoryMiB, double idlePowerWatts, double maxPowerWatts,
                         int idleSmClockMhz, int maxSmClockMhz, boolean nvlink, boolean fbFieldsExported,
                         boolean memoryTemperature, boolean currentDefaultCounters) {
  public GpuProfile {
    Objects.requireNonNull(modelName, "modelName");
  }
}
