package run.tokenlabs.chaos.lab.dcgm;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import run.tokenlabs.chaos.lab.api.GpuProfile;

/**
 * The physical state of one simulated GPU, derived from how busy its pods keep it: utilisation is
 * the busy share of the last second; power follows utilisation closely (as in the reference run,
 * r = 0.998), the SM clock rises with the square root of it, temperature lags power. Sampled by
 * {@link DcgmExporter} on a fixed period; not thread-safe on its own.
 */
final class GpuState {
  private static final long WINDOW_NANOS = 1_000_000_000L;
  /** PCIe traffic at full utilisation, KB/s: inputs and outputs cross the bus, the weights stay on the GPU. */
  private static final double PCIE_RX_KB_PER_SECOND = 400_000;
  private static final double PCIE_TX_KB_PER_SECOND = 100_000;

  private final GpuProfile gpu;
  private final Random noise;
  private final Map<String, Long> lastBusy = new HashMap<>();
  private final Deque<long[]> window = new ArrayDeque<>();
  private long busyTotal;
  private long lastSampleNanos = -1;
  private double energyMillijoules;
  private double pcieRxKilobytes;
  private double pcieTxKilobytes;
  double utilisation;
  double powerWatts;
  double smClockMhz;
  double temperatureC = 32;

  GpuState(GpuProfile gpu, long seed) {
    this.gpu = gpu;
    this.noise = new Random(seed);
    this.powerWatts = gpu.idlePowerWatts();
    this.smClockMhz = gpu.idleSmClockMhz();
  }

  void sample(List<GpuOccupant> occupants, long nowNanos) {
    Map<String, Long> seen = new HashMap<>();
    for (GpuOccupant o : occupants) {
      long busy = o.busyNanos().getAsLong();
      Long before = lastBusy.get(o.pod());
      if (before != null) {
        // A counter that went down belongs to a new process of a re-created pod with the same name:
        // treat it as a reset, as Prometheus' rate() does.
        busyTotal += busy >= before ? busy - before : busy;
      }
      seen.put(o.pod(), busy);
    }
    lastBusy.clear();
    lastBusy.putAll(seen);
    window.addLast(new long[] {nowNanos, busyTotal});
    while (window.size() > 2 && nowNanos - window.peekFirst()[0] > WINDOW_NANOS) {
      window.removeFirst();
    }
    long[] oldest = window.peekFirst();
    long span = nowNanos - oldest[0];
    utilisation = span <= 0 ? 0 : Math.min(1.0, Math.max(0.0, (busyTotal - oldest[1]) / (double) span));
    double range = gpu.maxPowerWatts() - gpu.idlePowerWatts();
    powerWatts = gpu.idlePowerWatts() + range * utilisation + range * 0.005 * noise.nextGaussian();
    smClockMhz = gpu.idleSmClockMhz() + (gpu.maxSmClockMhz() - gpu.idleSmClockMhz()) * Math.sqrt(utilisation);
    double target = 30 + 45 * (powerWatts / gpu.maxPowerWatts());
    temperatureC += (target - temperatureC) * 0.05;
    if (lastSampleNanos >= 0) {
      double seconds = (nowNanos - lastSampleNanos) / 1e9;
      energyMillijoules += powerWatts * seconds * 1e3;
      pcieRxKilobytes += PCIE_RX_KB_PER_SECOND * utilisation * seconds;
      pcieTxKilobytes += PCIE_TX_KB_PER_SECOND * utilisation * seconds;
    }
    lastSampleNanos = nowNanos;
  }

  long energyMillijoules() {
    return (long) energyMillijoules;
  }

  long pcieRxKilobytes() {
    return (long) pcieRxKilobytes;
  }

  long pcieTxKilobytes() {
    return (long) pcieTxKilobytes;
  }
}
