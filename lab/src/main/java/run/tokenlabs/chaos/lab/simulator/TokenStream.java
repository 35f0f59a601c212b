package run.tokenlabs.chaos.lab.simulator;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands the tokens of a request's sequences (one per choice, {@code n} of them) from the scheduler
 * thread to the HTTP thread that writes them: the scheduler never blocks on a slow client, and the
 * client never polls.
 */
final class TokenStream {
  /** One thing that happened to a choice: a token (with its finish reason on the last), or an abort. */
  record Event(int choice, int index, String finishReason, String abortReason) {
    boolean isAbort() {
      return abortReason != null;
    }
  }

  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

  /** The listener of the sequence that generates choice {@code choice}. */
  Sequence.Listener listener(int choice) {
    return new Sequence.Listener() {
      @Override
      public void onToken(int index, String finishReason) {
        events.add(new Event(choice, index, finishReason, null));
      }

      @Override
      public void onAbort(String reason) {
        events.add(new Event(choice, -1, null, reason));
      }
    };
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
