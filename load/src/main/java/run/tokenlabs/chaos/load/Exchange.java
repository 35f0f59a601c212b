package run.tokenlabs.chaos.load;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import run.tokenlabs.chaos.load.api.InterChunkGaps;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.TruncationSignal;
import run.tokenlabs.chaos.load.api.Usage;

/**
 * One request in flight: what is known of it so far, and the state that makes its classification
 * happen exactly once. Three parties touch it: the scheduler (creates it), the OkHttp thread that
 * sends and reads it (all measurement fields, single writer), and the reaper (deadline only). The
 * state moves QUEUED -> SENT -> DONE, or QUEUED -> DONE when the reaper rejects a request that is
 * still in the client's queue; compare-and-set decides who concludes.
 */
final class Exchange {
  private static final int QUEUED = 0;
  private static final int SENT = 1;
  private static final int DONE = 2;

  final long id;
  final Outgoing prompt;
  /** The closed-loop session whose conversation this request is a turn of; null outside conversations. */
  ConversationSession session;
  final long intendedNanos;
  final long deadlineNanos;
  /** When a request still in the client's queue is rejected: the earlier of the deadline and the dispatch limit. */
  final long queueDeadlineNanos;
  private final AtomicInteger state = new AtomicInteger(QUEUED);
  volatile Call call;
  /** Ends this request's exchange on the event loop that carries it; null on OkHttp's path, where {@link #call} does. */
  volatile Runnable canceller;
  /** The event loop's connection carrying this request; touched by that loop's thread only. */
  Object carrier;
  /** The socket this request's response arrives on, when it times its reads; null until a connection is acquired. */
  volatile ArrivalClockSocket arrivals;
  volatile boolean timedOutByReaper;
  /**
   * Set when the call had to wait in the dispatcher's queue. Only such a call can be rejected as
   * unsent: one handed straight to a thread is on its way, however long the thread takes to start.
   */
  volatile boolean waitedInDispatcher;
  private volatile long actualStartNanos = -1;

  long responseHeadersNanos = -1;
  long firstChunkNanos = -1;
  long firstContentNanos = -1;
  long lastChunkNanos = -1;
  private int[] gaps;
  private int gapCount;
  int chunks;
  int tokensReceived;
  boolean lastChunkHadText;
  String finishReason;
  Usage usage;
  boolean done;
  int eventsAfterDone;
  String errorEvent;
  int httpStatus;
  /** The output tokens as the server's tokenizer counted the text; -1 when not counted that way. */
  int tokenizerTokens = -1;

  Exchange(long id, Outgoing prompt, long intendedNanos, long deadlineNanos, long queueDeadlineNanos) {
    this.id = id;
    this.prompt = prompt;
    this.intendedNanos = intendedNanos;
    this.deadlineNanos = deadlineNanos;
    this.queueDeadlineNanos = Math.min(deadlineNanos, queueDeadlineNanos);
    this.gaps = new int[Math.min(prompt.bucket().maxTokens() + 2, 1024)];
  }

  /** The request left the client's queue at {@code nanos}; false if it was already concluded. */
  boolean markSent(long nanos) {
    if (state.compareAndSet(QUEUED, SENT)) {
      actualStartNanos = nanos;
      return true;
    }
    return false;
  }

  /** Drops the request's connection, wherever it is carried; a no-op before it has one. */
  void cancel() {
    Call c = call;
    if (c != null) {
      c.cancel();
    }
    Runnable r = canceller;
    if (r != null) {
      r.run();
    }
  }

  boolean isQueued() {
    return state.get() == QUEUED;
  }

  /** Not sent yet, and waiting in the dispatcher's queue (not merely for its thread to start): it can be refused. */
  boolean waitsInDispatcher() {
    return waitedInDispatcher && isQueued();
  }

  boolean isDone() {
    return state.get() == DONE;
  }

  long actualStartNanos() {
    return actualStartNanos;
  }

  /**
   * When the bytes of the event just read arrived: the last read of this request's socket, which
   * delivered the event's final byte; {@code now} when the socket does not time its reads (TLS, or a
   * client built without {@link ArrivalClockSocket}).
   */
  long arrivedNanos(long now) {
    ArrivalClockSocket socket = arrivals;
    long read = socket == null ? -1 : socket.lastReadNanos();
    return read < 0 || read > now ? now : read;
  }

  /** Takes one decoded chunk that arrived at {@code nanos}. */
  void onChunk(Chunk c, long nanos) {
    if (c.error != null && errorEvent == null) {
      errorEvent = c.error;
    }
    if (c.usage != null) {
      usage = c.usage;
    }
    if (c.choiceCount == 0) {
      return;
    }
    chunks++;
    if (firstChunkNanos < 0) {
      firstChunkNanos = nanos;
    } else {
      addGap(nanos - lastChunkNanos);
    }
    lastChunkNanos = nanos;
    lastChunkHadText = c.contentChars > 0 || c.reasoningChars > 0;
    if (lastChunkHadText) {
      tokensReceived++;
    }
    if (c.contentChars > 0 && firstContentNanos < 0) {
      firstContentNanos = nanos;
    }
    if (c.finishReason != null) {
      finishReason = c.finishReason;
    }
  }

  private void addGap(long nanos) {
    if (gapCount == gaps.length) {
      gaps = Arrays.copyOf(gaps, gaps.length * 2);
    }
    gaps[gapCount++] = (int) Math.min(Integer.MAX_VALUE, nanos / 1_000);
  }

  /**
   * Concludes the request once; returns its record, or null if someone else concluded it first.
   * {@code onlyIfQueued} is the reaper's case: reject only what has not been sent.
   */
  RequestRecord conclude(Verdict v, long endNanos, boolean onlyIfQueued) {
    boolean won = onlyIfQueued
        ? state.compareAndSet(QUEUED, DONE)
        : state.getAndSet(DONE) != DONE;
    if (!won) {
      return null;
    }
    Set<TruncationSignal> signals = v.signals().isEmpty() ? Set.of() : EnumSet.copyOf(v.signals());
    return new RequestRecord(id, prompt.bucket().name(), prompt.bucket().maxTokens(),
        prompt.bucket().slowReaderPace().isPresent(), intendedNanos, actualStartNanos, responseHeadersNanos,
        firstChunkNanos, firstContentNanos, lastChunkNanos, endNanos, InterChunkGaps.of(gaps, gapCount), chunks,
        tokensReceived, finishReason, usage, done, httpStatus, v.outcome(), signals, v.errorClass(), v.detail(),
        usage == null ? tokenizerTokens : -1);
  }

  /** How a request is classified: the outcome, the truncation signals, and what failed. */
  record Verdict(Outcome outcome, Set<TruncationSignal> signals, String errorClass, String detail) {
    static Verdict of(Outcome outcome, String errorClass, String detail) {
      return new Verdict(outcome, Set.of(), errorClass, detail);
    }
  }
}
