package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import okhttp3.Response;
import okio.BufferedSource;
import run.tokenlabs.chaos.load.Exchange.Verdict;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * Reads one response into its {@link Exchange} and classifies it: non-200 bodies are kept as a short
 * detail; a 200 body is read event by event, each chunk timed on arrival (when the socket read that
 * delivered its last byte returned, see {@link ArrivalClockSocket}, not after the framing, SSE and JSON
 * work that follows), paced for slow readers, to the end of the stream (past {@code [DONE]}, so the
 * connection can be reused).
 *
 * <p>A hostile or broken server cannot hold the request past its deadline nor grow it without bound:
 * the deadline is checked on every event and caps every pause of a slow reader (the reaper's cancel
 * ends a read that blocks), and a line or event over its byte bound ends the request at once as a
 * protocol error, the call cancelled rather than drained.
 */
final class StreamConsumer {
  /** No SSE line may be longer, whatever the per-event bound. */
  static final long MAX_LINE_BYTES = 4L << 20;
  /** The most of an error body read: the record keeps at most {@link RequestRecord#MAX_ERROR_TEXT} characters of it. */
  static final int ERROR_BODY_BYTES = RequestRecord.MAX_ERROR_TEXT;
  private final LongSupplier clock;
  private final boolean usageRequested;
  private final long maxEventBytes;
  private final Optional<OutputTokenizer> tokenizer;

  StreamConsumer(LongSupplier clock, boolean usageRequested, long maxEventBytes) {
    this(clock, usageRequested, maxEventBytes, Optional.empty());
  }

  /** With a tokenizer, a stream that ends without usage has its text counted by the server. */
  StreamConsumer(LongSupplier clock, boolean usageRequested, long maxEventBytes, Optional<OutputTokenizer> tokenizer) {
    this.clock = clock;
    this.usageRequested = usageRequested;
    this.maxEventBytes = maxEventBytes;
    this.tokenizer = tokenizer;
  }

  Verdict consume(Exchange ex, Response response) {
    ex.markSent(clock.getAsLong());
    ex.responseHeadersNanos = clock.getAsLong();
    ex.httpStatus = response.code();
    if (response.code() != 200) {
      return Verdict.of(Outcome.HTTP_ERROR, "HTTP " + response.code(), errorBody(response));
    }
    var reader = new SseEventReader(response.body().source(), MAX_LINE_BYTES, maxEventBytes);
    var reading = new StreamReading(ex, tokenizer.isPresent());
    try {
      String data;
      while ((data = reader.next()) != null) {
        long now = clock.getAsLong();
        Verdict ended = reading.onEvent(data, now, ex.arrivedNanos(now));
        if (ended != null) {
          if (ended.outcome() == Outcome.TIMEOUT) {
            ex.cancel();
          }
          return ended;
        }
        long pause = reading.pauseUntil();
        if (pause > 0) {
          parkUntil(pause);
          if (ex.timedOutByReaper || clock.getAsLong() >= ex.deadlineNanos) {
            ex.cancel();
            return Classifier.deadlineReached(ex);
          }
        }
      }
      if (ex.usage == null && tokenizer.isPresent() && ex.tokensReceived > 0) {
        ex.tokenizerTokens = tokenizer.get().count(reading.text());
      }
      return Classifier.afterStream(ex, usageRequested, response.header("Content-Type"), reader);
    } catch (SseBoundException e) {
      ex.cancel();
      return Classifier.overBound(e);
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
