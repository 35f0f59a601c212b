package run.tokenlabs.chaos.reports;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;

/**
 * A finished run as the Prometheus text exposition a Pushgateway accepts: the run's start and end
 * time, whether it succeeded, how many experiments reached each verdict, each experiment's verdict
 * and its key numbers as gauges labelled {@code experiment} (its id), {@code method} (the test
 * method: one id may name several, e.g. LLMD-3's Deployment-managed and bare pod) and {@code name}.
 *
 * <p>Cardinality is bounded so a run can never flood Prometheus: at most {@link #MAX_EXPERIMENTS}
 * experiments with {@link #MAX_KEY_NUMBERS} key numbers each and label values of at most
 * {@link #MAX_LABEL_LENGTH} characters, i.e. at most 64 x (5 verdicts + 16) + 12 = 1,356 series per
 * pushed group. What is left out is counted in {@code tokenlabs_chaos_gameday_series_dropped} and
 * stays in the journal and the summary page. A key number recorded twice under one name keeps the
 * last value (a Pushgateway refuses a push that repeats a series).
 */
final class PushgatewayMetrics {
  static final int MAX_EXPERIMENTS = 64;
  static final int MAX_KEY_NUMBERS = 16;
  static final int MAX_LABEL_LENGTH = 128;

  static final String START = "tokenlabs_chaos_gameday_start_timestamp_seconds";
  static final String END = "tokenlabs_chaos_gameday_end_timestamp_seconds";
  static final String SUCCESS = "tokenlabs_chaos_gameday_success";
  static final String LAST_SUCCESS = "tokenlabs_chaos_gameday_last_success_timestamp_seconds";
  static final String EXPERIMENTS = "tokenlabs_chaos_gameday_experiments";
  static final String DROPPED = "tokenlabs_chaos_gameday_series_dropped";
  static final String VERDICT = "tokenlabs_chaos_experiment_verdict";
  static final String KEY_NUMBER = "tokenlabs_chaos_experiment_key_number";

  private final RunRecord run;

  PushgatewayMetrics(RunRecord run) {
    this.run = run;
  }

  /**
   * Whether the run counts as a successful game day: at least one experiment HELD, none DEVIATED,
   * ERROR or ABORTED, no rollback failed. BLOCKED experiments neither count for nor against it: they
   * did not run. A dry run acted on nothing and is never a success.
   */
  boolean success() {
    List<ExperimentRecord> experiments = run.experiments();
    boolean anyHeld = experiments.stream().anyMatch(e -> e.verdict == Verdict.HELD);
    boolean anyFailed = experiments.stream().anyMatch(e -> e.verdict == Verdict.DEVIATED
        || e.verdict == Verdict.ERROR || e.verdict == Verdict.ABORTED);
    boolean rollbackFailed = experiments.stream().anyMatch(e -> !e.failedRollbacks().isEmpty())
        || run.runRollbacks.stream().anyMatch(ExperimentRecord.RollbackRecord::failed);
    return !run.dryRun && anyHeld && !anyFailed && !rollbackFailed;
  }

  /** The group of the last run: everything above. */
  String lastRun() {
    StringBuilder out = new StringBuilder();
    gauge(out, START, "When the game day started.");
    sample(out, START, Map.of(), seconds(run.started()));
    gauge(out, END, "When the game day finished.");
    sample(out, END, Map.of(), seconds(run.finished()));
    gauge(out, SUCCESS, "1 if at least one experiment HELD and none DEVIATED, ERROR or ABORTED, no rollback failed.");
    sample(out, SUCCESS, Map.of(), success() ? 1 : 0);

    // keyed by the series' labels: two records with the same id and method (a repeated test) are one series
    Map<String, ExperimentRecord> byLabels = new LinkedHashMap<>();
    int dropped = 0;
    for (ExperimentRecord experiment : run.experiments()) {
      if (experiment.verdict().isEmpty()) {
        continue;
      }
      String key = label(experiment.id) + '\n' + label(experiment.method);
      if (byLabels.containsKey(key) || byLabels.size() < MAX_EXPERIMENTS) {
        byLabels.put(key, experiment);
      } else {
        dropped += Verdict.values().length + experiment.keyNumbers.size();
      }
    }
    List<ExperimentRecord> reached = List.copyOf(byLabels.values());
    Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
    reached.forEach(e -> counts.merge(e.verdict, 1, Integer::sum));
    gauge(out, EXPERIMENTS, "How many experiments of the game day reached each verdict.");
    for (Verdict verdict : Verdict.values()) {
      sample(out, EXPERIMENTS, Map.of("verdict", verdict.name()), counts.getOrDefault(verdict, 0));
    }
    gauge(out, VERDICT, "1 for the verdict the experiment reached, 0 for the others.");
    for (ExperimentRecord e : reached) {
      for (Verdict verdict : Verdict.values()) {
        sample(out, VERDICT, labels("experiment", label(e.id), "method", label(e.method), "verdict", verdict.name()),
            e.verdict == verdict ? 1 : 0);
      }
    }
    gauge(out, KEY_NUMBER, "A key number the experiment measured, in its unit.");
    for (ExperimentRecord e : reached) {
      Map<String, KeyNumber> numbers = new LinkedHashMap<>();
      for (KeyNumber number : e.keyNumbers) {
        String name = label(number.name());
        if (numbers.containsKey(name) || numbers.size() < MAX_KEY_NUMBERS) {
          numbers.put(name, number);
        } else {
          dropped++;
        }
      }
      numbers.forEach((name, number) -> sample(out, KEY_NUMBER,
          labels("experiment", label(e.id), "method", label(e.method), "name", name, "unit", label(number.unit())),
          number.value()));
    }
    gauge(out, DROPPED, "Series left out by the bound on cardinality; the journal has them all.");
    sample(out, DROPPED, Map.of(), dropped);
    return out.toString();
  }

  /** The group kept from the last successful run, whose push time the overdue alert reads. */
  String lastSuccess() {
    StringBuilder out = new StringBuilder();
    gauge(out, LAST_SUCCESS, "When the last successful game day finished.");
    sample(out, LAST_SUCCESS, Map.of(), seconds(run.finished()));
    return out.toString();
  }

  private static Map<String, String> labels(String... pairs) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      labels.put(pairs[i], pairs[i + 1]);
    }
    return labels;
  }

  private static void gauge(StringBuilder out, String name, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
  }

  private static void sample(StringBuilder out, String name, Map<String, String> labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      String sep = "";
      for (Map.Entry<String, String> label : labels.entrySet()) {
        out.append(sep).append(label.getKey()).append("=\"").append(escape(label.getValue())).append('"');
        sep = ",";
      }
      out.append('}');
    }
    out.append(' ').append(number(value)).append('\n');
  }

  /** The text format's float: Go's ParseFloat reads Java's digits, but not its names for the specials. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
  }

  /** A label value within the bound, so a long name cannot make a series key unbounded. */
  static String label(String value) {
    String text = value == null ? "" : value;
    return text.length() <= MAX_LABEL_LENGTH ? text : text.substring(0, MAX_LABEL_LENGTH - 1) + "…";
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static double seconds(Optional<Instant> at) {
    return at.map(t -> t.toEpochMilli() / 1000.0).orElse(Double.NaN);
  }
}
