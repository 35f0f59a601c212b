package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The configuration or the safety policy refused the run. The message names the key, where it came
 * from (file and line, or system property), the value and the accepted form.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public class ChaosConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ChaosConfigException(String message) {
    super(message);
  }

  public ChaosConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
