package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One rule group of {@code /api/v1/rules}.
 *
 * @param name the group name
 * @param file the rule file it came from
 * @param interval its evaluation interval
 * @param rules its rules in order
 */
public record RuleGroup(String name, String file, Duration interval, List<Rule> rules) {
  public RuleGroup {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(interval, "interval");
    rules = List.copyOf(rules);
  }
}
