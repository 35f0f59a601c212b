package run.tokenlabs.chaos.load;

import run.tokenlabs.chaos.load.Exchange.Verdict;

/**
 * How a load's requests reach the server and their streams are read: OkHttp with a thread per stream
 * ({@link OkHttpTransport}) or an event loop that reads many streams on one thread
 * ({@link EventLoopTransport}). Either concludes every request it is given exactly once, through the
 * {@link Finisher} it was built with.
 */
interface Transport extends AutoCloseable {
  /** Sends the request of {@code ex} with {@code body}; its outcome reaches the finisher, never the caller. */
  void send(Exchange ex, SlicedBody body);

  /** False once the transport can send nothing more (its client failed or closed): a closed loop then stops. */
  boolean accepting();

  /** Requests accepted but not yet started (waiting for the client's threads). */
  int queued();

  /** What the client's queue holds, for a request refused after waiting in it. */
  String queueState();

  /** Releases threads and connections; requests still open are dropped. */
  @Override
  void close();

  /** Concludes a request: books its record and, in a closed loop, starts its session's next request. */
  @FunctionalInterface
  interface Finisher {
    void finish(Exchange ex, Verdict verdict);
  }
}
