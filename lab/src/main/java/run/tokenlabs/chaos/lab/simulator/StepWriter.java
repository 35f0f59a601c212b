package run.tokenlabs.chaos.lab.simulator;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread of one model pod that writes the tokens a step produced to every direct stream
 * ({@link TokenStream#goDirect}): woken once per step instead of one handler thread per stream, which
 * on a small machine is most of what a streamed token costs (a thread wake-up and a context switch).
 *
 * <p>It runs beside the step loop, not on it, so writing never lengthens a step or moves a metric's
 * timestamp. Its writes must not wait on a client either, since one stalled write would hold back every
 * stream of the pod: a stream stays direct only while its writes cannot fill the socket (a byte budget
 * far below what a loopback connection buffers, see {@link ResponseWriter#DIRECT_BYTES}), and goes back
 * to its own handler thread at the first write that was slow.
 */
final class StepWriter implements AutoCloseable {
  private final ConcurrentLinkedQueue<TokenStream> ready = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  StepWriter(String name) {
    this.thread = new Thread(this::run, "lab-sim-" + name + "-writer");
    this.thread.setDaemon(true);
  }

  StepWriter start() {
    thread.start();
    return this;
  }

  /** A direct stream has tokens to write. Called on the scheduler thread during a step; never blocks. */
  void ready(TokenStream stream) {
    ready.add(stream);
  }

  /** A stream went direct with tokens already waiting: wake the thread now, not at the next step's end. */
  void readyNow(TokenStream stream) {
    ready.add(stream);
    LockSupport.unpark(thread);
  }

  /** The step ended: wake the thread if anything waits (one wake-up for all streams of the step). */
  void stepEnded() {
    if (!ready.isEmpty()) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    while (!closed) {
      TokenStream stream = ready.poll();
      if (stream == null) {
        LockSupport.park(this);
        continue;
      }
      stream.writeDirect();
    }
  }

  /** Ends the thread; streams still direct are handed back to their handler threads. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (TokenStream s; (s = ready.poll()) != null; ) {
      s.handBack();
    }
  }
}
