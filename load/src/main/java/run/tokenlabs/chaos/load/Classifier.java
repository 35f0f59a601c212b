package run.tokenlabs.chaos.load;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.EnumSet;
import run.tokenlabs.chaos.load.Exchange.Verdict;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.TruncationSignal;

/**
 * Decides the {@link Outcome} of a request from what its {@link Exchange} saw. A 200 stream is
 * complete only if no truncation signal fires: [DONE] came, a finish_reason came, {@code length}
 * only at max_tokens, the text chunks match {@code usage.completion_tokens}, and the usage chunk
 * came when it was asked for.
 */
final class Classifier {
  private Classifier() {}

  /** The stream ended (EOF) without an I/O error. */
  static Verdict afterStream(Exchange ex, boolean usageRequested, String contentType, SseEventReader reader) {
    if (reader.events() == 0 && !isEventStream(contentType)) {
      return Verdict.of(Outcome.MALFORMED, "NotAnEventStream",
          "HTTP 200 with Content-Type '" + contentType + "' and no SSE data event");
    }
    var signals = signals(ex, usageRequested);
    if (signals.isEmpty()) {
      return Verdict.of(Outcome.COMPLETE, null, null);
    }
    String detail = withErrorEvent(ex, reader.endedMidEvent() ? "stream ended inside an event" : null);
    return new Verdict(Outcome.TRUNCATED, signals, ex.errorEvent == null ? null : ERROR_EVENT, detail);
  }

  /** The error class of a 200 stream that carried an error event and ended without another failure. */
  static final String ERROR_EVENT = "ErrorEvent";

  /**
   * The detail with the server's own words appended when the stream carried an error event: an
   * error inside a 200 stream is the server explaining itself, so its message is kept (bounded).
   */
  static String withErrorEvent(Exchange ex, String detail) {
    if (ex.errorEvent == null) {
      return detail;
    }
    String said = "error event: " + bounded(ex.errorEvent);
    return detail == null ? said : detail + "; " + said;
  }

  /** The first {@link RequestRecord#MAX_ERROR_TEXT} characters of a server's text, marked when cut. */
  static String bounded(String text) {
    return text.length() <= RequestRecord.MAX_ERROR_TEXT ? text
        : text.substring(0, RequestRecord.MAX_ERROR_TEXT) + "... (" + text.length() + " characters, cut)";
  }

  /** Reading the body failed after a 200. */
  static Verdict afterReadFailure(Exchange ex, boolean usageRequested, IOException e) {
    if (isTimeout(ex, e)) {
      return timeout(ex, e);
    }
    var signals = signals(ex, usageRequested);
    signals.add(TruncationSignal.CONNECTION_CUT);
    return new Verdict(Outcome.TRUNCATED, signals, e.getClass().getSimpleName(), withErrorEvent(ex, message(e)));
  }

  /** No response at all. */
  static Verdict afterCallFailure(Exchange ex, IOException e) {
    if (isTimeout(ex, e)) {
      return timeout(ex, e);
    }
    return Verdict.of(Outcome.CONNECTION_ERROR, e.getClass().getSimpleName(), message(e));
  }

  /**
   * A line or event over its byte bound: the server broke the stream's framing, so the answer is
   * malformed whatever came before; the detail names the bound.
   */
  static Verdict overBound(SseBoundException e) {
    return Verdict.of(Outcome.MALFORMED, e.errorClass(), e.getMessage());
  }

  /** The client saw the request's deadline pass while the server was still streaming. */
  static Verdict deadlineReached(Exchange ex) {
    return Verdict.of(Outcome.TIMEOUT, "RequestTimeout", "request timeout reached (from intended start) while the "
        + "server was still streaming, after " + ex.chunks + " chunks");
  }

  static Verdict malformedChunk(String data, Exception e) {
    String head = data.length() > 120 ? data.substring(0, 120) + "..." : data;
    return Verdict.of(Outcome.MALFORMED, "MalformedChunk", "data event is not a JSON chunk (" + message(e) + "): " + head);
  }

  static EnumSet<TruncationSignal> signals(Exchange ex, boolean usageRequested) {
    var s = EnumSet.noneOf(TruncationSignal.class);
    if (!ex.done) {
      s.add(TruncationSignal.NO_DONE);
    }
    if (ex.finishReason == null) {
      s.add(TruncationSignal.NO_FINISH_REASON);
    }
    if ("abort".equals(ex.finishReason)) {
      s.add(TruncationSignal.ABORTED_BY_SERVER);
    }
    int output = ex.usage != null ? ex.usage.completionTokens()
        : ex.tokenizerTokens >= 0 ? ex.tokenizerTokens : ex.tokensReceived;
    if ("length".equals(ex.finishReason) && output < ex.prompt.bucket().maxTokens()) {
      s.add(TruncationSignal.LENGTH_BELOW_MAX_TOKENS);
    }
    if (ex.usage != null && !tokenCountMatches(ex)) {
      s.add(TruncationSignal.TOKEN_COUNT_MISMATCH);
    }
    if (usageRequested && ex.usage == null) {
      s.add(TruncationSignal.NO_USAGE);
    }
    if (ex.errorEvent != null) {
      s.add(TruncationSignal.ERROR_EVENT);
    }
    return s;
  }

  /** One token per text chunk; on {@code stop} the end-of-sequence token may arrive as an empty chunk. */
  private static boolean tokenCountMatches(Exchange ex) {
    int expected = ex.usage.completionTokens();
    return ex.tokensReceived == expected
        || ("stop".equals(ex.finishReason) && !ex.lastChunkHadText && ex.tokensReceived == expected - 1);
  }

  private static boolean isTimeout(Exchange ex, IOException e) {
    return ex.timedOutByReaper || e instanceof SocketTimeoutException
        || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()));
  }

  private static Verdict timeout(Exchange ex, IOException e) {
    String why = ex.timedOutByReaper ? "request timeout reached (from intended start)" : message(e);
    return Verdict.of(Outcome.TIMEOUT, e.getClass().getSimpleName(), why);
  }

  private static boolean isEventStream(String contentType) {
    return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream");
  }

  static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
