package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atMost;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Guard;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.Reading;

/** Guards report a real breach once, and stopping them is never mistaken for one. */
class GuardWatcherTest {
  private final List<String> breaches = new CopyOnWriteArrayList<>();
  private final ProbeReader reader = new ProbeReader(Duration.ofSeconds(30));

  @Test
  @DisplayName("Closing the watcher while a guard's probe is being read reports no breach")
  void closingMidReadIsNoBreach() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    Probe<Double> blocking = Probe.of("error ratio", () -> {
      reading.countDown();
      never.await(); // until the reader gives up on it
      return Reading.of(0.0);
    });
    GuardWatcher watcher = watcher();
    watcher.watch(Guard.watch("blast radius", blocking.is(atMost(0.01)), Duration.ofMillis(50)));
    assertThat(reading.await(30, TimeUnit.SECONDS)).as("the guard started reading").isTrue();

    watcher.close();

    assertThat(breaches).isEmpty();
    reader.close();
  }

  @Test
  @DisplayName("A reading outside tolerance is reported once")
  void breachReportedOnce() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    GuardWatcher watcher = new GuardWatcher(new HypothesisEvaluator(reader), (guard, result) -> {
      breaches.add(guard.name() + ": " + result.reading());
      reported.countDown();
    });
    watcher.watch(Guard.watch("blast radius", Probe.of("error ratio", () -> Reading.of(0.5)).is(atMost(0.01)),
        Duration.ofMillis(10)));

    assertThat(reported.await(30, TimeUnit.SECONDS)).isTrue();
    watcher.close();

    assertThat(breaches).singleElement().asString().startsWith("blast radius: ");
    reader.close();
  }

  private GuardWatcher watcher() {
    return new GuardWatcher(new HypothesisEvaluator(reader), (guard, result) -> breaches.add(guard.name()));
  }
}
