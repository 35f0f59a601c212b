package run.tokenlabs.chaos.engine;

/** A fault could not be prepared or failed while acting: the experiment is an ERROR, not a finding. */
final class FaultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  FaultException(String message, Throwable cause) {
    super(message, cause);
  }
}
