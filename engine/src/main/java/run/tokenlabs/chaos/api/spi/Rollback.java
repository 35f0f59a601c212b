package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The undo of a fault, as data: a {@code kind} that names its {@link RollbackHandler} and the state
 * that handler needs.
 *
 * <p>Rollbacks are data, not closures, because a run killed with SIGKILL leaves them in the
 * pending-rollback file and the next run, in a new JVM, must be able to complete them. The same
 * handler runs them in both cases, so the crash path is the path every experiment exercises.
 * State values must hold no secrets: they are written to disk.
 *
 * @param kind the handler's {@link RollbackHandler#kind()}
 * @param description what the undo does, for logs and reports
 * @param state what the handler needs (e.g. the captured pod manifest)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Rollback(String kind, String description, Map<String, String> state) {
  public Rollback {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(description, "description");
    state = Map.copyOf(state);
  }
}
