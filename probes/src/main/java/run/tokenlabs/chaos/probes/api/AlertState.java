package run.tokenlabs.chaos.probes.api;

import java.util.Locale;

/** The state of an alerting rule or one of its alerts, as {@code /api/v1/rules} reports it. */
public enum AlertState {
  INACTIVE, PENDING, FIRING;

  /** Parses Prometheus' lower-case name. */
  public static AlertState of(String state) {
    return valueOf(state.toUpperCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
