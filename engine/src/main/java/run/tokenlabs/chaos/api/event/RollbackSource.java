package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** Where a rollback was run from. */
@API(status = EXPERIMENTAL, since = "0.1")
public enum RollbackSource {
  /** Right after the experiment's body, the normal path. */
  EXPERIMENT("experiment"),
  /** A guard breached: rolled back at once, while the body still ran. */
  GUARD_HALT("guard-halt"),
  /** The JVM was shutting down (SIGTERM, Ctrl-C) with the fault still active. */
  SHUTDOWN_HOOK("shutdown-hook"),
  /** The run ended with a rollback no experiment had run. */
  END_OF_RUN("end-of-run"),
  /** An earlier run was killed (SIGKILL, power loss) with the fault active; this run completed it first. */
  RECOVERED_FROM_CRASH("recovered-from-crash");

  private final String label;

  RollbackSource(String label) {
    this.label = label;
  }

  /** How reports and messages name it, e.g. {@code guard-halt}. */
  public String label() {
    return label;
  }
}
