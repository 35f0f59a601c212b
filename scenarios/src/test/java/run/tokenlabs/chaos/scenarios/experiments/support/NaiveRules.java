package run.tokenlabs.chaos.scenarios.experiments.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import run.tokenlabs.chaos.probes.api.AlertFiringBound;
import run.tokenlabs.chaos.probes.api.Point;
import run.tokenlabs.chaos.probes.api.PromDuration;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.scenarios.lab.LabTargetProvider;

/**
 * The naive LLMD-3 alerting rules, kept (not deployed) in {@code rules/tests/naive-llmd3.rules.yml},
 * and their evaluation over a fault window as the target would have evaluated them, with their
 * {@code for:} scaled the way the target scaled the deployed rules (read from their manifest). The
 * rules directory is the system property {@value LabTargetProvider#RULES_DIR_PROPERTY} (the build sets it).
 */
public final class NaiveRules {
  public static final String NAIVE_FILE = "tests/naive-llmd3.rules.yml";
  public static final String AVAILABILITY_FILE = "token-labs-availability.yaml";
  private static final YAMLMapper YAML = new YAMLMapper();

  private NaiveRules() {
  }

  /**
   * One alerting rule of a rule file.
   *
   * @param alert its name
   * @param expr its PromQL
   * @param forDuration its {@code for:} as written (zero when absent)
   */
  public record AlertRule(String alert, String expr, Duration forDuration) {
  }

  /** The naive LLMD-3 rules, as written. */
  public static List<AlertRule> naive() {
    return alerts(rulesDirectory().resolve(NAIVE_FILE));
  }

  /** The {@code for:} of the deployed rule {@code alert} in {@code rules/token-labs-availability.yaml}. */
  public static Duration deployedFor(String alert) {
    Path file = rulesDirectory().resolve(AVAILABILITY_FILE);
    return alerts(file).stream().filter(r -> r.alert().equals(alert)).map(AlertRule::forDuration)
        .max(Duration::compareTo).orElseThrow(() -> new IllegalStateException("No alerting rule '" + alert + "' in "
            + file + "; the LLMD-3 experiment reads its for: to scale the naive rules' for: like the target does"));
  }

  /** Every alerting rule of a plain rule file ({@code groups}) or a PrometheusRule manifest ({@code spec.groups}). */
  public static List<AlertRule> alerts(Path file) {
    JsonNode doc;
    try {
      doc = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read rule file " + file + ": " + e.getMessage(), e);
    }
    JsonNode groups = doc.has("groups") ? doc.get("groups") : doc.path("spec").path("groups");
    List<AlertRule> rules = new ArrayList<>();
    for (JsonNode group : groups) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.hasNonNull("alert")) {
          rules.add(new AlertRule(rule.get("alert").asText(), rule.path("expr").asText().strip(), forOf(file, rule)));
        }
      }
    }
    if (rules.isEmpty()) {
      throw new IllegalStateException("Rule file " + file + " has no alerting rule under groups[].rules[] or "
          + "spec.groups[].rules[]");
    }
    return rules;
  }

  private static Duration forOf(Path file, JsonNode rule) {
    if (!rule.hasNonNull("for")) {
      return Duration.ZERO;
    }
    try {
      return PromDuration.parse(rule.get("for").asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("Rule '" + rule.get("alert").asText() + "' in " + file + ": for: "
          + e.getMessage(), e);
    }
  }

  /**
   * What the naive rules did over a fault window.
   *
   * @param silent no naive rule returned data for as long as its (scaled) for:, and none returns data now
   * @param evidence each rule's expression, its range result at the evaluation step and its result now
   */
  public record Evaluation(boolean silent, String evidence) {
  }

  /**
   * Evaluates each naive rule from {@code from} to now at the evaluation step of {@code reference} (a
   * deployed rule as the target loaded it), with its for: scaled as the target scaled the reference's:
   * a rule fires only if its expression returns data on consecutive evaluations for its whole for:.
   */
  public static Evaluation evaluate(PrometheusClient client, Instant from, AlertFiringBound reference) {
    Duration step = reference.evaluation();
    Duration written = deployedFor(reference.alert());
    double scale = (double) reference.forDuration().toMillis() / written.toMillis();
    StringBuilder evidence = new StringBuilder(String.format(Locale.ROOT, "for: scaled by %.4f, as the target "
        + "scaled %s (for: %d s in its manifest, %.1f s loaded); evaluation step %d ms%n", scale, reference.alert(),
        written.toSeconds(), reference.forDuration().toMillis() / 1000.0, step.toMillis()));
    boolean silent = true;
    for (AlertRule rule : naive()) {
      QueryResult.Matrix range = client.queryRange(rule.expr(), from, Instant.now(), step);
      long longestRun = range.series().stream().mapToLong(s -> longestRun(s.points(), step)).max().orElse(0);
      QueryResult now = client.query(rule.expr());
      boolean noDataNow = now instanceof QueryResult.Vector v && v.samples().isEmpty();
      Duration scaledFor = Duration.ofMillis(Math.round(rule.forDuration().toMillis() * scale));
      boolean ruleSilent = noDataNow && step.multipliedBy(longestRun).compareTo(scaledFor) < 0;
      silent &= ruleSilent;
      evidence.append(rule.alert()).append(" (for: ").append(scaledFor.toMillis()).append(" ms): longest run of "
          + "evaluations with data ").append(longestRun).append(", no data now: ").append(noDataNow).append(" -> ")
          .append(ruleSilent ? "silent" : "WOULD FIRE").append('\n')
          .append(PromEvidence.describe(rule.expr(), range)).append(PromEvidence.describe(rule.expr(), now));
    }
    return new Evaluation(silent, evidence.toString());
  }

  /** The longest run of consecutive steps (gaps of at most 1.5 steps) in which the series had a point. */
  private static long longestRun(List<Point> points, Duration step) {
    long longest = 0;
    long run = 0;
    Instant previous = null;
    for (Point p : points) {
      boolean consecutive = previous != null
          && Duration.between(previous, p.time()).compareTo(step.multipliedBy(3).dividedBy(2)) <= 0;
      run = consecutive ? run + 1 : 1;
      longest = Math.max(longest, run);
      previous = p.time();
    }
    return longest;
  }

  private static Path rulesDirectory() {
    String configured = System.getProperty(LabTargetProvider.RULES_DIR_PROPERTY);
    if (configured == null || configured.isBlank() || !Files.isDirectory(Path.of(configured))) {
      throw new IllegalStateException("System property " + LabTargetProvider.RULES_DIR_PROPERTY + " is '" + configured
          + "', not the repository's rules/ directory; the build sets it for failsafe, or pass -D"
          + LabTargetProvider.RULES_DIR_PROPERTY + "=<repository>/rules");
    }
    return Path.of(configured);
  }
}
