package run.tokenlabs.chaos.load.api;

/** The class every scheduled request ends in; the {@link Ledger} checks that their sum is the scheduled count. */
public enum Outcome {
  /** HTTP 200, a well-formed stream, no truncation signal. */
  COMPLETE,
  /** HTTP 200 but at least one {@link TruncationSignal}: the answer may be cut short. */
  TRUNCATED,
  /** The server answered with a status other than 200. */
  HTTP_ERROR,
  /**
   * HTTP 200 with a body that is not an SSE stream of JSON chunks, or one with a line or event over
   * the load's byte bound ({@link Bounds#maxEventBytes()}).
   */
  MALFORMED,
  /** Sent, but not finished within the request timeout (the stream stalled, or was still streaming, past it). */
  TIMEOUT,
  /** Sent, but the connection failed before a response (refused, reset before headers). */
  CONNECTION_ERROR,
  /** Never sent: the client refused it (in-flight cap) or it waited in the client's queue past its timeout. */
  REJECTED
}
