package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A credential (bearer token, password) that never shows itself: {@link #toString()} is
 * {@code ****}, so it cannot leak into logs, the journal or reports by accident.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The credential itself; call only where it is put on the wire. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "****";
  }
}
