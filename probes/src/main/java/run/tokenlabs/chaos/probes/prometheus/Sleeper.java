package run.tokenlabs.chaos.probes.prometheus;

import java.time.Duration;

/** Pauses between retries; a seam so tests record the pauses instead of taking them. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
