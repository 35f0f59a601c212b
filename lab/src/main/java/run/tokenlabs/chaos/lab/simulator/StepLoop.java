package run.tokenlabs.chaos.lab.simulator;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The thread that runs a {@link Scheduler} against the clock: plan a step, let it "run" for the
 * cost model's duration times the time scale, apply it, repeat; sleep when there is no work.
 *
 * <p>Deadlines are absolute: while busy, step {@code k} is due at the previous deadline plus its own
 * duration, so an oversleep is paid back instead of piling up; but by at most a tenth of each step (a
 * decode-only step: or 200 us, a wake-up's overshoot), so no step with prefill is shorter than 90 % of what
 * the cost model says, and a long stall is paid back over many steps.
 * {@link #stats()} reports how far the loop ran behind that clock, which is how the benchmark shows the
 * scheduler keeps up.
 */
public final class StepLoop implements AutoCloseable {
  /** How the loop kept to its clock. All durations in nanoseconds of wall time. */
  public record Stats(long steps, long plannedNanos, long maxLagNanos, long finalLagNanos, long busyNanos) {}

  /** A late clock is paid back by at most a tenth of each later step (or the wake-up allowance). */
  private static final long MAX_PAYBACK_DIVISOR = 10;
  /** More than a parked thread wakes late on a busy host (50 to 100 us), so short steps stay on the clock. */
  static final long WAKE_UP_ALLOWANCE_NANOS = 200_000;

  private final Scheduler scheduler;
  private final CostModel cost;
  private final double timeScale;
  private final FaultState faults;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final AtomicLong busyNanos = new AtomicLong();
  private volatile boolean stopped;
  /** Run after each step's tokens were handed out: wakes the pod's writer once for the whole step. */
  private volatile Runnable afterStep = () -> { };
  private long steps;
  private long plannedNanos;
  private volatile long maxLagNanos;
  private volatile long lastLagNanos;

  public StepLoop(String name, Scheduler scheduler, CostModel cost, double timeScale, FaultState faults) {
    this.scheduler = scheduler;
    this.cost = cost;
    this.timeScale = timeScale;
    this.faults = faults;
    this.thread = new Thread(this::run, "lab-steps-" + name);
    this.thread.setDaemon(true);
  }

  /** Runs {@code action} on the loop's thread after each step that computed something; it must not block. */
  public StepLoop afterEachStep(Runnable action) {
    this.afterStep = action;
    return this;
  }

  public StepLoop start() {
    thread.start();
    return this;
  }

  /** Hands a request to the scheduler and wakes the loop. */
  public void submit(Sequence sequence) {
    scheduler.add(sequence);
    lock.lock();
    try {
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Cumulative nanoseconds the simulated GPU spent computing steps (drives DCGM utilisation). */
  public long busyNanos() {
    return busyNanos.get();
  }

  public synchronized Stats stats() {
    return new Stats(steps, plannedNanos, maxLagNanos, lastLagNanos, busyNanos.get());
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  private void run() {
    long clock = System.nanoTime(); // when the steps so far would have ended, each on time
    while (!stopped) {
      long now = System.nanoTime();
      long stallUntil = faults.stalledUntilNanos();
      if (stallUntil > now) {
        LockSupport.parkNanos(Math.min(stallUntil - now, TimeUnit.MILLISECONDS.toNanos(50)));
        clock = System.nanoTime();
        continue;
      }
      Scheduler.Step step = scheduler.schedule(now);
      if (step.isEmpty()) {
        awaitWork();
        clock = System.nanoTime(); // idle: the clock restarts from now
        continue;
      }
      long duration = (long) (cost.stepSeconds(step.prefillTokens(), step.decodeSequences()) * 1e9 * timeScale
          * faults.stepSlowdown());
      clock += duration;
      sleepUntil(dueAt(clock, now, duration, step.prefillTokens() > 0));
      long end = System.nanoTime();
      busyNanos.addAndGet(duration);
      scheduler.complete(step, end);
      afterStep.run();
      record(duration, end - clock);
    }
  }

  private synchronized void record(long duration, long lag) {
    steps++;
    plannedNanos += duration;
    lastLagNanos = lag;
    if (lag > maxLagNanos) {
      maxLagNanos = lag;
    }
  }

  private void awaitWork() {
    lock.lock();
    try {
      if (!scheduler.hasWork() && !stopped) {
        work.await(20, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * When a step planned at {@code plannedAt} and lasting {@code duration} ends, {@code clock} being when it
   * would end had every step so far been on time. Behind that clock? the lag is paid back by shortening the
   * step: a step with prefill by at most a tenth of it, since a client's TTFT must never read under the
   * prefill it waited for (a GPU does not compute faster after a late step); a decode-only step by up to
   * {@link #WAKE_UP_ALLOWANCE_NANOS} too, since a step of 100 us must absorb a thread's wake-up overshoot,
   * or every step would run that much long and the token rate would fall behind the cost model.
   */
  static long dueAt(long clock, long plannedAt, long duration, boolean prefill) {
    long maxPayback = prefill ? duration / MAX_PAYBACK_DIVISOR
        : Math.max(duration / MAX_PAYBACK_DIVISOR, WAKE_UP_ALLOWANCE_NANOS);
    return Math.max(clock, plannedAt + duration - maxPayback);
  }

  private static void sleepUntil(long deadline) {
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
    }
  }

  /** Stops the loop and aborts every sequence: open streams are cut, as when a pod dies. */
  @Override
  public void close() {
    stopped = true;
    lock.lock();
    try {
      work.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.abortAll("server stopped");
  }
}
