package run.tokenlabs.chaos.engine.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;

/**
 * The state fixture experiments read and break: an error ratio the probe reports, and a switch
 * making the probe unreachable or hang. Tests set it up before each engine run.
 */
public final class World {
  public static final AtomicReference<Reading<Double>> ERROR_RATIO = new AtomicReference<>(Reading.of(0.0));
  public static volatile boolean unreachable;
  public static volatile boolean hangs;
  public static volatile boolean capabilityPresent = true;
  public static volatile boolean beforeEachRan;
  public static volatile Path markerDir;

  private World() {
  }

  public static void reset(Path dir) {
    ERROR_RATIO.set(Reading.of(0.0));
    unreachable = false;
    hangs = false;
    capabilityPresent = true;
    beforeEachRan = false;
    markerDir = dir;
    MarkerFileFault.UNDONE.clear();
    RecordingListener.EVENTS.clear();
  }

  public static Path marker(String name) {
    return markerDir.resolve(name);
  }

  /** The probe fixtures use: "gateway error ratio". */
  public static Probe<Double> errorRatio() {
    return Probe.of("gateway error ratio", () -> {
      if (unreachable) {
        throw new ProbeException("Prometheus at 127.0.0.1:1 refused the connection; is it running?");
      }
      if (hangs) {
        Thread.sleep(Duration.ofMinutes(5).toMillis());
      }
      return ERROR_RATIO.get();
    });
  }
}
