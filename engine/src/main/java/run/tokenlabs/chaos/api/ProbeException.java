package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A probe could not be asked: the target was unreachable, too slow, or refused the question.
 *
 * <p>This is never a verdict about the system under test. The engine reports it as
 * {@link Verdict#ERROR} ("broken" in Allure), never as HELD or DEVIATED. The message must say what
 * was asked, what went wrong and what to do.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public class ProbeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProbeException(String message) {
    super(message);
  }

  public ProbeException(String message, Throwable cause) {
    super(message, cause);
  }
}
