package run.tokenlabs.chaos.engine;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import run.tokenlabs.chaos.api.Guard;
import run.tokenlabs.chaos.engine.HypothesisResult.CheckResult;

/**
 * Reads an experiment's guards at their intervals while its faults are active and reports the
 * first breach (a reading outside tolerance, or a probe that could not be read) exactly once.
 */
final class GuardWatcher implements AutoCloseable {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "chaos-guard");
    thread.setDaemon(true);
    return thread;
  });
  private final HypothesisEvaluator evaluator;
  private final BiConsumer<Guard, CheckResult> onBreach;
  private volatile boolean breached;
  private volatile boolean closed;

  GuardWatcher(HypothesisEvaluator evaluator, BiConsumer<Guard, CheckResult> onBreach) {
    this.evaluator = evaluator;
    this.onBreach = onBreach;
  }

  void watch(Guard guard) {
    long intervalMillis = guard.interval().toMillis();
    scheduler.scheduleWithFixedDelay(() -> check(guard), 0, Math.max(1, intervalMillis), TimeUnit.MILLISECONDS);
  }

  private void check(Guard guard) {
    if (breached || closed) {
      return;
    }
    CheckResult result = evaluator.evaluate(guard.check());
    // closing interrupts a reading in progress: that is the end of watching, not a breach
    if (!result.held() && !closed) {
      breached = true;
      scheduler.shutdown();
      onBreach.accept(guard, result);
    }
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
