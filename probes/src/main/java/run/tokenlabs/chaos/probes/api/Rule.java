package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule of {@code /api/v1/rules}.
 *
 * @param name the alert name or the recorded metric name
 * @param alerting true for an alerting rule, false for a recording rule
 * @param query its PromQL
 * @param state an alerting rule's state (inactive for recording rules)
 * @param forDuration an alerting rule's {@code for:} ({@code duration} in the API), zero otherwise
 * @param labels the rule's labels
 * @param health {@code ok}, {@code err} or {@code unknown}
 * @param lastError the last evaluation error, empty when none
 * @param lastEvaluation when it was last evaluated, if reported
 * @param alerts an alerting rule's active alerts
 */
public record Rule(String name, boolean alerting, String query, AlertState state, Duration forDuration,
                   Map<String, String> labels, String health, String lastError, Optional<Instant> lastEvaluation,
                   List<Alert> alerts) {
  public Rule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(forDuration, "forDuration");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(lastEvaluation, "lastEvaluation");
    alerts = List.copyOf(alerts);
  }
}
