package run.tokenlabs.chaos.engine;

/** One or more rollbacks failed: the target may still be broken, so the experiment is an ERROR. */
final class RollbackFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RollbackFailedException(String message) {
    super(message);
  }
}
