package run.tokenlabs.chaos.lab.simulator;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands a sequence's tokens from the scheduler thread to the HTTP thread that streams them: the
 * scheduler never blocks on a slow client, and the client never polls.
 */
final class TokenStream implements Sequence.Listener {
  /** One thing that happened: a token (with its finish reason on the last), or an abort. */
  record Event(int index, String finishReason, String abortReason) {
    boolean isAbort() {
      return abortReason != null;
    }
  }

  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

  @Override
  public void onToken(int index, String finishReason) {
    events.add(new Event(index, finishReason, null));
  }

  @Override
  public void onAbort(String reason) {
    events.add(new Event(-1, null, reason));
  }

  /** The next event, or null after {@code timeoutMillis}. */
  Event next(long timeoutMillis) throws InterruptedException {
    return events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Everything already delivered, without waiting (a batch per flush when the client is behind). */
  Event poll() {
    return events.poll();
  }
}
