package run.tokenlabs.chaos.probes.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One active alert ({@code /api/v1/alerts}, or inside a rule of {@code /api/v1/rules}).
 *
 * @param labels the alert's labels, {@code alertname} included
 * @param annotations its annotations
 * @param state pending or firing
 * @param activeAt when it became active (pending), if reported
 * @param value the value of the expression that made it active; NaN if not reported
 */
public record Alert(Map<String, String> labels, Map<String, String> annotations, AlertState state,
                    Optional<Instant> activeAt, double value) {
  public Alert {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(activeAt, "activeAt");
  }

  /** The {@code alertname} label. */
  public String name() {
    return labels.getOrDefault("alertname", "");
  }
}
