package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.time.Duration;
import run.tokenlabs.chaos.load.Exchange.Verdict;

/**
 * What one 200 stream's events do to its {@link Exchange}, whoever reads the bytes: the blocking reader
 * ({@link StreamConsumer}) and the event loop ({@link EventLoopTransport}) feed the same events here, so
 * both classify alike. One instance per response, used by one thread at a time.
 */
final class StreamReading {
  private final Exchange ex;
  private final Chunk chunk = new Chunk();
  private final ChunkDecoder decoder = new ChunkDecoder();
  /** A slow reader's pace between chunks; 0 for a reader that takes chunks as they come. */
  private final long paceNanos;

  StreamReading(Exchange ex, boolean collectText) {
    this.ex = ex;
    chunk.text = collectText || ex.prompt.keepsAnswer() ? new StringBuilder() : null;
    if (ex.prompt instanceof ConversationSession.Turn turn) {
      turn.answer = chunk.text; // the conversation appends what streamed, whatever the outcome decides
    }
    this.paceNanos = ex.prompt.bucket().slowReaderPace().map(Duration::toNanos).orElse(0L);
  }

  /**
   * Takes one event's data, read at {@code now}, whose last byte arrived at {@code arrivedNanos}; returns the
   * verdict that ends the request (deadline passed, malformed chunk), or null to go on reading.
   */
  Verdict onEvent(String data, long now, long arrivedNanos) {
    if (now >= ex.deadlineNanos) {
      return Classifier.deadlineReached(ex);
    }
    if (ex.done) {
      ex.eventsAfterDone++;
      return null;
    }
    if (data.equals("[DONE]")) {
      ex.done = true;
      return null;
    }
    try {
      decoder.decode(data, chunk);
    } catch (IOException e) {
      return Classifier.malformedChunk(data, e);
    }
    // a slow reader's chunk reaches its user when the reader takes it, however long it lay in the buffers
    ex.onChunk(chunk, paceNanos > 0 ? now : arrivedNanos);
    return null;
  }

  /** When a slow reader takes its next chunk (bounded by the deadline); 0 for a reader that does not pause. */
  long pauseUntil() {
    if (paceNanos <= 0 || ex.chunks == 0) {
      return 0;
    }
    return Math.min(ex.firstChunkNanos + ex.chunks * paceNanos, ex.deadlineNanos);
  }

  /** The text streamed so far, when collected; null otherwise. */
  CharSequence text() {
    return chunk.text;
  }
}
