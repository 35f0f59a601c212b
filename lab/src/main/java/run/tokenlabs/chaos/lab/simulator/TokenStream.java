package run.tokenlabs.chaos.lab.simulator;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands the tokens of a request's sequences (one per choice, {@code n} of them) from the scheduler
 * thread to whoever writes them: the request's own HTTP handler thread, or, while the stream is
 * <em>direct</em>, the pod's {@link StepWriter}, which writes the tokens of every stream a step
 * advanced in one wake-up instead of waking one handler thread per stream. The scheduler never blocks
 * on a client, and the client never polls.
 *
 * <p>Events keep one order whoever writes them: they wait in one queue, and only the holder of the
 * drain lock takes them out. A stream starts direct when its handler calls {@link #goDirect}; it is
 * handed back to the handler, for good, at the first event the writer may not write (an abort, the
 * last token, a cut fault, the end of the writer's byte budget) or when a direct write fails. The
 * handler then takes the drain lock once (waiting out a write in progress) and keeps it to the end.
 */
final class TokenStream {
  /** One thing that happened to a choice: a token (with its finish reason on the last), or an abort. */
  record Event(int choice, int index, String finishReason, String abortReason) {
    boolean isAbort() {
      return abortReason != null;
    }

    /** A token that neither ends its choice nor aborts it: the only kind the pod's writer may write. */
    boolean isPlainToken() {
      return abortReason == null && finishReason == null;
    }
  }

  /** Writes a direct stream's tokens on the pod's writer thread; called with the drain lock held. */
  interface DirectSink {
    /** Adds the event's chunks to the pending batch and returns true, or false if only the handler may write it. */
    boolean offer(Event event);

    /** Writes the pending batch to the client. */
    void flush() throws IOException;
  }

  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
  private final StepWriter writer;
  /** Held by whoever takes events out and writes them. */
  private final ReentrantLock drain = new ReentrantLock();
  /** Only for the handler's wait; never held during I/O, so the scheduler thread never waits on a client. */
  private final ReentrantLock wake = new ReentrantLock();
  private final Condition handlerTurn = wake.newCondition();
  /** Non-null while the pod's writer writes this stream's tokens. */
  private volatile DirectSink direct;
  private volatile IOException directFailure;
  private boolean handlerHoldsDrain;

  /** A stream every event of which goes to the handler thread. */
  TokenStream() {
    this(null);
  }

  /** A stream that may go direct through {@code writer} (null: never). */
  TokenStream(StepWriter writer) {
    this.writer = writer;
  }

  /** The listener of the sequence that generates choice {@code choice}. */
  Sequence.Listener listener(int choice) {
    return new Sequence.Listener() {
      @Override
      public void onToken(int index, String finishReason) {
        deliver(new Event(choice, index, finishReason, null));
      }

      @Override
      public void onAbort(String reason) {
        deliver(new Event(choice, -1, null, reason));
      }
    };
  }

  /**
   * From now on the pod's writer writes this stream's plain tokens through {@code sink}, until it hands
   * the stream back. Called by the handler thread after it sent the response headers; a no-op for a
   * stream without a writer.
   */
  void goDirect(DirectSink sink) {
    if (writer == null) {
      return;
    }
    direct = sink;
    if (events.peek() != null) {
      writer.readyNow(this); // tokens that arrived before the stream went direct (maybe all of them)
    }
  }

  private void deliver(Event event) {
    events.add(event);
    if (direct != null && event.isPlainToken()) {
      writer.ready(this);
    } else {
      handBack();
    }
  }

  /** The pod's writer: writes what this direct stream may take now. Never blocks on the handler. */
  void writeDirect() {
    if (direct == null || !drain.tryLock()) {
      return; // the handler owns the stream (or is taking it over)
    }
    try {
      DirectSink sink = direct;
      if (sink == null) {
        return;
      }
      boolean refused = false;
      try {
        for (Event ev; (ev = events.peek()) != null; events.poll()) {
          if (!sink.offer(ev)) {
            refused = true;
            break;
          }
        }
        sink.flush();
      } catch (IOException e) {
        directFailure = e;
        refused = true;
      } catch (RuntimeException e) {
        // the writer serves every stream of the pod: a bug in one stream's write must not end it, nor leave
        // that stream's handler waiting for a writer that gave up; the handler rethrows it as a write failure
        directFailure = new IOException("the pod's writer failed on this stream: " + e, e);
        refused = true;
      }
      if (refused) {
        handBack();
      }
    } finally {
      drain.unlock();
    }
  }

  /** Gives the stream back to its handler thread for good and wakes it. */
  void handBack() {
    direct = null;
    wake.lock();
    try {
      handlerTurn.signal();
    } finally {
      wake.unlock();
    }
  }

  /**
   * The handler's next event once the stream is its own, or null after {@code timeoutMillis}; throws
   * what a direct write of the pod's writer failed with.
   */
  Event next(long timeoutMillis) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    wake.lock();
    try {
      while (direct != null || (events.isEmpty() && directFailure == null)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        handlerTurn.awaitNanos(left);
      }
    } finally {
      wake.unlock();
    }
    if (!handlerHoldsDrain) {
      drain.lock(); // waits out the writer's last write; the writer never takes the stream again
      handlerHoldsDrain = true;
    }
    if (directFailure != null) {
      throw directFailure;
    }
    return events.poll();
  }

  /** Everything already delivered, without waiting (a batch per flush when the client is behind). */
  Event poll() {
    return events.poll();
  }

  /** Called by the handler thread when the response ended, however it ended. */
  void release() {
    if (handlerHoldsDrain) {
      handlerHoldsDrain = false;
      drain.unlock();
    }
  }
}
