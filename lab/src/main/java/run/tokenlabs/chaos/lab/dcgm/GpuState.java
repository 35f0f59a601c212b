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

  private final GpuProfile gpu;
  private final Random noise;
  private final Map<String, Long> lastBusy = new HashMap<>();
  private final Deque<long[]> window = new ArrayDeque<>();
  private long busyTotal;
  private long lastSampleNanos = -1;
  private double energyMillijoules;
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
      energyMillijoules += powerWatts * (nowNanos - lastSampleNanos) / 1e6;
    }
    lastSampleNanos = nowNanos;
  }

  long energyMillijoules() {
    return (long) energyMillijoules;
  }
}
