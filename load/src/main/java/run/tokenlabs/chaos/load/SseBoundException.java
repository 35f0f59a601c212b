package run.tokenlabs.chaos.load;

import java.net.ProtocolException;

/**
 * A server's stream broke one of the reader's byte bounds: a line or an event longer than the
 * load allows. Not a timeout and not a cut connection: the server sent something no event stream
 * of a model server sends, and the client stopped reading rather than buffer it.
 */
final class SseBoundException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  /** Which bound was broken. */
  enum Kind { LINE, EVENT }

  private final Kind kind;
  private final long bound;

  SseBoundException(Kind kind, long bound, String message) {
    super(message);
    this.kind = kind;
    this.bound = bound;
  }

  Kind kind() {
    return kind;
  }

  long bound() {
    return bound;
  }

  /** The error class a request record shows. */
  String errorClass() {
    return kind == Kind.LINE ? "SseLineTooLong" : "SseEventTooLarge";
  }
}
