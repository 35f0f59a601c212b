package run.tokenlabs.chaos.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.OkHttpClient;
import run.tokenlabs.chaos.load.Exchange.Verdict;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Loop;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.PromptInfo;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.RequestTrace;
import run.tokenlabs.chaos.load.api.ResultRecorder;

/**
 * One execution of a {@link LoadSpec}: schedules requests (open or closed loop) within the bounds,
 * sends them through its {@link Transport} (event loops, or OkHttp's asynchronous dispatcher), concludes each exactly once, and ends by
 * itself. A reaper enforces every request's deadline (intended start + request timeout), whether the
 * request is still in the client's queue (then {@link Outcome#REJECTED}) or on the wire
 * ({@link Outcome#TIMEOUT}); a hard stop at {@code duration + requestTimeout + grace} concludes
 * anything left, so no run outlives its bounds.
 */
final class LoadRun {
  private static final long REAPER_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long HARD_STOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final LoadSpec spec;
  private final Transport transport;
  private final List<PreparedPrompt> prompts;
  private final BucketPicker picker;
  private final int maxInFlight;
  private final long durationNanos;
  private final long timeoutNanos;
  private final long maxDispatchDelayNanos;
  private final long origin;
  /**
   * Added to each request's number in its first line: a server that caches prefixes must not serve one
   * run's prompts from another run's (two loads of the same workload would otherwise send the same
   * texts in the same order).
   */
  private final long lineSalt = java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 10_000)
      * PreparedPrompt.SALT_UNIT;
  private final AtomicLong scheduled = new AtomicLong();
  private final AtomicLong nextId = new AtomicLong();
  private final AtomicInteger inFlightCount = new AtomicInteger();
  private final Set<Exchange> inFlight = ConcurrentHashMap.newKeySet();
  private final ResultRecorder recorder;
  private final RecordQueue records;
  private final AtomicLongArray byOutcome = new AtomicLongArray(Outcome.values().length);
  private final AtomicLong lastEndNanos = new AtomicLong();
  private final List<String> runErrors = Collections.synchronizedList(new ArrayList<>());
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private volatile boolean schedulingDone;
  /** Set when the run is interrupted or reaches its hard stop: a closed-loop session then issues nothing more. */
  private volatile boolean stopped;
  private volatile boolean printedProgress;
  private volatile ScheduledExecutorService timers;

  LoadRun(LoadSpec spec, OkHttpClient client, List<PreparedPrompt> prompts, long origin, ResultRecorder recorder,
      TransportKind kind) {
    this.spec = spec;
    this.recorder = recorder;
    this.prompts = prompts;
    this.picker = new BucketPicker(prompts, spec.workload().seed());
    this.maxInFlight = HttpClients.maxInFlight(spec);
    var tokenizer = OutputTokenizer.forLoad(client, spec, prompts);
    this.transport = kind == TransportKind.EVENT_LOOP
        ? new EventLoopTransport(spec.endpoint(), this::now, new EventLoopTransport.StreamSettings(
            spec.endpoint().includeUsage(), spec.bounds().maxEventBytes(), tokenizer), this::finish, runErrors::add,
            EventLoopTransport.loopCount(maxInFlight))
        : new OkHttpTransport(client, spec.endpoint(), new StreamConsumer(this::now, spec.endpoint().includeUsage(),
            spec.bounds().maxEventBytes(), tokenizer), this::finish, runErrors::add);
    this.records = new RecordQueue(recorder, runErrors::add); // last: nothing after it can fail and leak its thread
    this.durationNanos = spec.bounds().duration().toNanos();
    this.timeoutNanos = spec.bounds().requestTimeout().toNanos();
    this.maxDispatchDelayNanos = spec.bounds().maxDispatchDelay().toNanos();
    this.origin = origin;
  }

  long now() {
    return System.nanoTime() - origin;
  }

  LoadResult execute() {
    Instant startedAt = Instant.now();
    ScheduledExecutorService timers = new ScheduledThreadPoolExecutor(1, r -> {
      var t = new Thread(r, "load-reaper");
      t.setDaemon(true);
      return t;
    });
    this.timers = timers;
    try {
      timers.scheduleAtFixedRate(this::reap, REAPER_TICK_NANOS, REAPER_TICK_NANOS, TimeUnit.NANOSECONDS);
      long tick = spec.progress().interval().toNanos();
      timers.scheduleAtFixedRate(this::progress, tick, tick, TimeUnit.NANOSECONDS);
      timers.scheduleAtFixedRate(recorder::closeInterval, 1, 1, TimeUnit.SECONDS);
      if (spec.loop() instanceof Loop.Open open) {
        runOpenLoop(open.arrivals());
      } else if (spec.loop() instanceof Loop.Replay replay) {
        runReplay(replay.trace());
      } else {
        startClosedLoop(((Loop.Closed) spec.loop()).concurrency());
      }
      awaitEnd();
    } finally {
      timers.shutdownNow();
      awaitTimers(timers);
      transport.close();
      records.close();
    }
    if (printedProgress) {
      spec.progress().sink().accept(progressLine("load done"));
    }
    Duration wall = Duration.ofNanos(Math.max(lastEndNanos.get(), 0));
    List<PromptInfo> infos = prompts.stream().map(PreparedPrompt::info).toList();
    recorder.close();
    return new LoadResult(spec, origin, startedAt, wall, scheduled.get(), recorder, infos, runErrors(recorder));
  }

  /** A reap or think timer still running concludes its request before the records close. */
  private void awaitTimers(ScheduledExecutorService timers) {
    try {
      timers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private List<String> runErrors(ResultRecorder closed) {
    var errors = new ArrayList<>(runErrors);
    closed.writeFailure().ifPresent(errors::add);
    return errors;
  }

  private void runOpenLoop(Arrivals arrivals) {
    var schedule = new ArrivalSchedule(arrivals);
    try {
      while (true) {
        long offset = schedule.nextOffsetNanos();
        if (offset >= durationNanos || !reserve()) {
          break;
        }
        if (!waitUntil(offset, "Open loop")) {
          return;
        }
        launch(offset);
      }
    } finally {
      markSchedulingDone();
    }
  }

  /**
   * Parks until the run's clock reaches {@code offset}, the reserved request's intended start. False when the
   * scheduler was interrupted meanwhile: the reservation is given back and the stop is booked as a run error.
   */
  private boolean waitUntil(long offset, String loop) {
    long remaining;
    while ((remaining = offset - now()) > 0) {
      LockSupport.parkNanos(remaining);
      if (Thread.currentThread().isInterrupted()) {
        runErrors.add(loop + " interrupted after " + scheduled.get() + " requests; scheduling stopped early");
        scheduled.decrementAndGet();
        return false;
      }
    }
    return true;
  }

  /** Sends each request of the trace at its scaled offset, within the bounds; never waits on earlier ones. */
  private void runReplay(RequestTrace trace) {
    var requests = new TracePrompt(prompts.get(0));
    try {
      for (int i = 0; i < trace.size(); i++) {
        long offset = trace.scaledOffsetNanos(i);
        if (offset >= durationNanos || !reserve()) {
          break;
        }
        if (!waitUntil(offset, "Replay")) {
          return;
        }
        send(offset, false, requests.request(trace.inputTokens()[i], trace.outputTokens()[i]), null);
      }
    } finally {
      markSchedulingDone();
    }
  }

  private void startClosedLoop(int concurrency) {
    try {
      for (int i = 0; i < concurrency && reserve(); i++) {
        launch(now(), false, newSession());
      }
    } finally {
      markSchedulingDone();
    }
  }

  /** Counts one more scheduled request if the count bound allows it. */
  private boolean reserve() {
    long max = spec.bounds().maxRequests();
    long n;
    do {
      n = scheduled.get();
      if (n >= max) {
        return false;
      }
    } while (!scheduled.compareAndSet(n, n + 1));
    return true;
  }

  private void launch(long intendedNanos) {
    launch(intendedNanos, false, null);
  }

  /** A session's conversation when the workload is one, else null (each request drawn by bucket). */
  private ConversationSession newSession() {
    return spec.workload().conversation().map(c -> new ConversationSession(prompts, c)).orElse(null);
  }

  /**
   * Sends one request. {@code takesOverSlot}: a closed-loop session hands its finished request's
   * in-flight slot to its next one, so the count never dips to zero in between (which would end the
   * run) and never exceeds the concurrency (which would trip the cap).
   */
  private void launch(long intendedNanos, boolean takesOverSlot, ConversationSession session) {
    send(intendedNanos, takesOverSlot, session != null ? session.nextTurn() : picker.next(), session);
  }

  private void send(long intendedNanos, boolean takesOverSlot, Outgoing prompt, ConversationSession session) {
    long id = nextId.getAndIncrement();
    var ex = new Exchange(id, prompt, intendedNanos, intendedNanos + timeoutNanos, intendedNanos + maxDispatchDelayNanos);
    ex.session = session;
    inFlight.add(ex);
    int count = takesOverSlot ? inFlightCount.get() : inFlightCount.incrementAndGet();
    if (count > maxInFlight && maxInFlight > 0) {
      finish(ex, Verdict.of(Outcome.REJECTED, "InFlightCap",
          "in-flight cap of " + maxInFlight + " reached: the client refused to send"));
      return;
    }
    transport.send(ex, prompt.body(id + lineSalt));
  }

  private void finish(Exchange ex, Verdict verdict) {
    accept(ex, ex.conclude(verdict, now(), false));
  }

  /** Books a concluded request; in a closed loop its session issues the next request first. */
  private void accept(Exchange ex, RequestRecord record) {
    if (record == null) {
      return;
    }
    records.add(record);
    byOutcome.incrementAndGet(record.outcome().ordinal());
    lastEndNanos.accumulateAndGet(record.endNanos(), Math::max);
    inFlight.remove(ex);
    ConversationSession session = ex.session;
    if (session != null) {
      session.concluded((ConversationSession.Turn) ex.prompt, ex.id + lineSalt, record);
      if (session.thinkNanos() > 0 && !stopped) {
        thinkThenContinue(session);
        return;
      }
    }
    continueSession(session);
  }

  /** A closed-loop session sends its next request if the bounds allow, else gives its slot back. */
  private void continueSession(ConversationSession session) {
    if (spec.loop() instanceof Loop.Closed && !stopped && transport.accepting()) {
      long t = now();
      if (t < durationNanos && reserve()) {
        launch(t, true, session);
        return;
      }
    }
    if (inFlightCount.decrementAndGet() == 0) {
      signalIdle();
    }
  }

  /**
   * The session keeps its slot while its user thinks, then continues; a think time that would outlast
   * the run's duration ends at the duration, where the session gives its slot back.
   */
  private void thinkThenContinue(ConversationSession session) {
    long delay = Math.min(session.thinkNanos(), Math.max(0, durationNanos - now()));
    try {
      timers.schedule(() -> continueSession(session), delay, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      continueSession(session); // the run is ending: the timers are gone, so the slot goes back now
    }
  }

  /**
   * Enforces deadlines: rejects what still waits in the client's queue, cancels what is on its way. A
   * call handed to a thread is never rejected as unsent, even before the thread marks it sent: on a
   * loaded machine a thread may take over a second to start, and the request then counts as sent late
   * (its dispatch delay shows it), not as refused.
   */
  private void reap() {
    long t = now();
    for (Exchange ex : inFlight) {
      if (ex.isDone()) {
        continue;
      }
      if (ex.waitsInDispatcher() && t >= ex.queueDeadlineNanos) {
        var verdict = Verdict.of(Outcome.REJECTED, "ClientQueueTimeout", "waited " + (t - ex.intendedNanos) / 1_000_000
            + " ms in the client's queue without being sent (" + transport.queueState() + "); limit " + (ex.queueDeadlineNanos - ex.intendedNanos) / 1_000_000 + " ms");
        RequestRecord record = ex.conclude(verdict, t, true);
        if (record != null) {
          ex.cancel();
          accept(ex, record);
          continue;
        }
      }
      if (t >= ex.deadlineNanos && !ex.timedOutByReaper && !ex.waitsInDispatcher()) {
        ex.timedOutByReaper = true;
        ex.cancel();
      }
    }
  }


  private void markSchedulingDone() {
    schedulingDone = true;
    signalIdle();
  }

  private void signalIdle() {
    lock.lock();
    try {
      idle.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void awaitEnd() {
    long hardStop = durationNanos + timeoutNanos + HARD_STOP_GRACE_NANOS;
    lock.lock();
    try {
      while (!(schedulingDone && inFlightCount.get() == 0)) {
        long remaining = hardStop - now();
        if (remaining <= 0) {
          break;
        }
        idle.awaitNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      runErrors.add("Interrupted while waiting for " + inFlightCount.get() + " requests to end");
    } finally {
      lock.unlock();
    }
    concludeStragglers();
  }

  /**
   * Anything still in flight at the hard stop is cancelled and concluded as a timeout, and reported.
   * Sessions are stopped first: a cancelled request must not hand its slot to a new one, which nobody
   * would book (a ledger gap) and which would reach the server after the stop.
   */
  private void concludeStragglers() {
    stopped = true;
    var left = new ArrayList<>(inFlight);
    if (left.isEmpty()) {
      return;
    }
    runErrors.add(left.size() + " requests were still in flight at the hard stop (duration + request timeout + "
        + TimeUnit.NANOSECONDS.toSeconds(HARD_STOP_GRACE_NANOS) + " s) and were cancelled");
    for (Exchange ex : left) {
      var verdict = ex.waitsInDispatcher()
          ? Verdict.of(Outcome.REJECTED, "HardStop", "still in the client's queue at the hard stop")
          : Verdict.of(Outcome.TIMEOUT, "HardStop", "still in flight at the hard stop");
      // concluded before the cancel: a stream cut by the cancel would otherwise read as a truncation
      RequestRecord record = ex.conclude(verdict, now(), false);
      ex.cancel();
      accept(ex, record);
    }
  }

  private void progress() {
    if (now() < spec.progress().after().toNanos()) {
      return;
    }
    printedProgress = true;
    spec.progress().sink().accept(progressLine(String.format("load %.1f s", now() / 1e9)));
  }

  private String progressLine(String head) {
    var sb = new StringBuilder(head).append(": scheduled ").append(scheduled.get()).append('/')
        .append(spec.bounds().maxRequests()).append(", in flight ").append(inFlightCount.get())
        .append(" (client queue ").append(transport.queued()).append(')');
    for (Outcome o : Outcome.values()) {
      sb.append(", ").append(o.name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(byOutcome.get(o.ordinal()));
    }
    return sb.toString();
  }
}
