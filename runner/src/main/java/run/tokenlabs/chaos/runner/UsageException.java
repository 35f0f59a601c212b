package run.tokenlabs.chaos.runner;

/** A command line or configuration the runner cannot run: nothing ran, and the exit code is {@link ExitCode#USAGE}. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }

  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
