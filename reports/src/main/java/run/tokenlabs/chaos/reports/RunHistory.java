package run.tokenlabs.chaos.reports;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;

/**
 * The history section of the summary page: the last {@link #MAX_RUNS} runs kept in the journal
 * directory up to this one (dry runs left out: they acted on nothing), with each run's resilience
 * score, each experiment's verdicts and key numbers per run, and the duration key numbers of this run
 * that regressed against the previous run or the best run. All text is raw (renderers escape).
 *
 * <p>The resilience score of a run is {@code 100 x HELD / (HELD + DEVIATED + ERROR + ABORTED)} over
 * its experiments, each weighing 1; BLOCKED experiments are left out, and a run with none of those
 * four verdicts has no score. docs/resilience-score.md says why.
 */
final class RunHistory {
  static final int MAX_RUNS = 8;
  /** A duration this many times the previous (or best) run's is flagged; the alert rules use the same. */
  static final double REGRESSION_FACTOR = 1.5;
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  /** A run, one column: its id, start (UTC) and score. */
  record RunColumn(String runId, String started, String score) {}

  /** An experiment's verdicts, one cell per run ("" where it did not run). */
  record VerdictRow(String task, String method, List<String> cells) {}

  /** A key number over the runs, one cell per run. */
  record NumberTrend(String task, String metric, String unit, List<String> cells) {}

  final List<RunColumn> runs = new ArrayList<>();
  final List<VerdictRow> verdicts = new ArrayList<>();
  final List<NumberTrend> numbers = new ArrayList<>();
  final List<String> regressions = new ArrayList<>();

  /**
   * The history ending with {@code current}.
   *
   * @param earlier runs of the same journal directory, in the order they started; runs after
   *     {@code current}, dry runs and {@code current} itself are skipped
   */
  static RunHistory of(List<RunRecord> earlier, RunRecord current) {
    List<RunRecord> window = new ArrayList<>();
    for (RunRecord run : earlier) {
      boolean before = run.started != null && current.started != null && run.started.isBefore(current.started);
      if (before && !run.dryRun && !run.runId.equals(current.runId)) {
        window.add(run);
      }
    }
    window.add(current);
    List<RunRecord> runs = window.subList(Math.max(0, window.size() - MAX_RUNS), window.size());
    return new RunHistory(List.copyOf(runs));
  }

  /** Whether there is anything to compare: at least one earlier run. */
  boolean hasEarlierRuns() {
    return runs.size() > 1;
  }

  /**
   * The resilience score: 100 x HELD / (HELD + DEVIATED + ERROR + ABORTED), each experiment weighing
   * 1, BLOCKED left out; empty for a dry run or a run with none of those verdicts.
   */
  static OptionalDouble score(RunRecord run) {
    if (run.dryRun) {
      return OptionalDouble.empty();
    }
    int held = 0;
    int counted = 0;
    for (ExperimentRecord e : run.experiments()) {
      if (e.verdict == null || e.verdict == Verdict.BLOCKED) {
        continue;
      }
      counted++;
      held += e.verdict == Verdict.HELD ? 1 : 0;
    }
    return counted == 0 ? OptionalDouble.empty() : OptionalDouble.of(100.0 * held / counted);
  }

  private RunHistory(List<RunRecord> window) {
    Map<String, String[]> verdictCells = new LinkedHashMap<>();
    Map<String, String[]> numberCells = new LinkedHashMap<>();
    Map<String, double[]> numberValues = new LinkedHashMap<>();
    Map<String, String[]> labels = new LinkedHashMap<>();
    int n = window.size();
    for (int i = 0; i < n; i++) {
      RunRecord run = window.get(i);
      OptionalDouble score = score(run);
      runs.add(new RunColumn(run.runId, run.started().map(DATE::format).orElse("?"),
          score.isPresent() ? Values.significant(score.getAsDouble(), 3) : "—"));
      for (ExperimentRecord e : run.experiments()) {
        String task = e.id + " " + e.method;
        if (e.verdict != null) {
          verdictCells.computeIfAbsent(task, k -> new String[n])[i] = e.verdict.name();
          labels.putIfAbsent(task, new String[] {e.id, e.method});
        }
        for (KeyNumber k : e.keyNumbers) {
          String key = task + "\n" + k.name() + "\n" + k.unit();
          numberCells.computeIfAbsent(key, x -> new String[n])[i] = Values.number(k.value());
          double[] values = numberValues.computeIfAbsent(key, x -> filled(n));
          values[i] = k.value();
          labels.putIfAbsent(key, new String[] {e.id, k.name(), k.unit()});
        }
      }
    }
    verdictCells.forEach((task, cells) -> verdicts.add(new VerdictRow(labels.get(task)[0], labels.get(task)[1], cells(cells))));
    numberCells.forEach((key, cells) -> {
      String[] l = labels.get(key);
      numbers.add(new NumberTrend(l[0], l[1], l[2], cells(cells)));
      regression(l, numberValues.get(key), window).ifPresent(regressions::add);
    });
  }

  /**
   * The regression line of a duration (unit s or ms, where more is worse), e.g. "LLMD-3: time to
   * fire TokenLabsPodAbsent: 77 s, was 41 s last run"; empty when it did not regress.
   */
  private static java.util.Optional<String> regression(String[] label, double[] values, List<RunRecord> window) {
    int last = values.length - 1;
    double now = values[last];
    if (!("s".equals(label[2]) || "ms".equals(label[2])) || Double.isNaN(now) || last == 0) {
      return java.util.Optional.empty();
    }
    double previous = values[last - 1];
    int best = -1;
    for (int i = 0; i < last; i++) {
      if (!Double.isNaN(values[i]) && (best < 0 || values[i] < values[best])) {
        best = i;
      }
    }
    List<String> against = new ArrayList<>();
    if (!Double.isNaN(previous) && previous > 0 && now > REGRESSION_FACTOR * previous) {
      against.add("was " + Values.number(previous) + " " + label[2] + " last run");
    }
    if (best >= 0 && values[best] > 0 && now > REGRESSION_FACTOR * values[best] && best != last - 1) {
      against.add("best " + Values.number(values[best]) + " " + label[2] + " in run " + window.get(best).runId);
    }
    return against.isEmpty() ? java.util.Optional.empty()
        : java.util.Optional.of(label[0] + ": " + label[1] + ": " + Values.number(now) + " " + label[2] + ", "
            + String.join(", ", against));
  }

  private static double[] filled(int n) {
    double[] values = new double[n];
    java.util.Arrays.fill(values, Double.NaN);
    return values;
  }

  private static List<String> cells(String[] cells) {
    List<String> list = new ArrayList<>();
    for (String cell : cells) {
      list.add(cell == null ? "" : cell);
    }
    return list;
  }
}
