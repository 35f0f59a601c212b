package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import okhttp3.Response;
import okio.BufferedSource;
import run.tokenlabs.chaos.load.Exchange.Verdict;
import run.tokenlabs.chaos.load.api.Outcome;

/**
 * Reads one response into its {@link Exchange} and classifies it: non-200 bodies are kept as a short
 * detail; a 200 body is read event by event, each chunk timed on arrival, paced for slow readers, to
 * the end of the stream (past {@code [DONE]}, so the connection can be reused).
 */
final class StreamConsumer {
  static final long MAX_LINE_BYTES = 4L << 20;
  private static final int ERROR_BODY_BYTES = 2048;
  private final LongSupplier clock;
  private final boolean usageRequested;

  StreamConsumer(LongSupplier clock, boolean usageRequested) {
    this.clock = clock;
    this.usageRequested = usageRequested;
  }

  Verdict consume(Exchange ex, Response response) {
    ex.markSent(clock.getAsLong());
    ex.responseHeadersNanos = clock.getAsLong();
    ex.httpStatus = response.code();
    if (response.code() != 200) {
      return Verdict.of(Outcome.HTTP_ERROR, "HTTP " + response.code(), errorBody(response));
    }
    var reader = new SseEventReader(response.body().source(), MAX_LINE_BYTES);
    var chunk = new Chunk();
    var decoder = new ChunkDecoder();
    long pace = ex.prompt.bucket().slowReaderPace().map(java.time.Duration::toNanos).orElse(0L);
    try {
      String data;
      while ((data = reader.next()) != null) {
        long now = clock.getAsLong();
        if (ex.done) {
          ex.eventsAfterDone++;
          continue;
        }
        if (data.equals("[DONE]")) {
          ex.done = true;
          continue;
        }
        try {
          decoder.decode(data, chunk);
        } catch (IOException e) {
          return Classifier.malformedChunk(data, e);
        }
        ex.onChunk(chunk, now);
        if (pace > 0 && ex.chunks > 0) {
          parkUntil(ex.firstChunkNanos + ex.chunks * pace);
          if (ex.timedOutByReaper) {
            throw new java.io.InterruptedIOException("timeout");
          }
        }
      }
      return Classifier.afterStream(ex, usageRequested, response.header("Content-Type"), reader);
    } catch (IOException e) {
      return Classifier.afterReadFailure(ex, usageRequested, e);
    }
  }

  private void parkUntil(long target) {
    long remaining;
    while ((remaining = target - clock.getAsLong()) > 0) {
      LockSupport.parkNanos(remaining);
    }
  }

  private static String errorBody(Response response) {
    try {
      BufferedSource source = response.body().source();
      source.request(ERROR_BODY_BYTES);
      long n = Math.min(ERROR_BODY_BYTES, source.getBuffer().size());
      return source.getBuffer().readUtf8(n).strip();
    } catch (IOException e) {
      return "(error body unreadable: " + Classifier.message(e) + ")";
    }
  }
}
