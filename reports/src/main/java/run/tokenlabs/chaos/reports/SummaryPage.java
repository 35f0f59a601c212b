package run.tokenlabs.chaos.reports;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.reports.ExperimentRecord.FaultRecord;
import run.tokenlabs.chaos.reports.ExperimentRecord.GuardRecord;
import run.tokenlabs.chaos.reports.ExperimentRecord.RollbackRecord;

/**
 * The game-day summary as content, laid out like the reference run's page: title, completion
 * matrix, top findings, key numbers, open gaps, faults and rollbacks, raw artifacts. Rendered to
 * Markdown by {@link SummaryMarkdown} and to HTML by {@link SummaryHtml}; all text here is raw
 * (renderers escape).
 */
final class SummaryPage {
  record MatrixRow(String task, String title, String method, Verdict verdict, String status, String keyOutput) {}

  record FindingItem(String task, Finding finding) {}

  record NumberRow(String task, String metric, String value, String unit, String note) {}

  /** An open gap; {@code evidence} is the raw message behind the reason, or empty. */
  record Gap(String title, String reason, String evidence) {
    Gap(String title, String reason) {
      this(title, reason, "");
    }
  }

  record FaultRow(String task, String fault, String rollback, String outcome) {}

  record Artifact(String label, String path) {}

  /** A chart of an experiment, with the fault and rollback times it spans. */
  record ChartItem(String task, ChartSpec chart) {}

  /** A recommended action of the next run, with the finding (its anchor on the page) that asks for it. */
  record ActionItem(String task, Finding.Severity severity, String action, String finding, int findingNumber) {}

  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final int KEY_OUTPUT_CHARS = 240;

  final String title;
  final String subtitle;
  final boolean dryRun;
  final Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
  final List<MatrixRow> matrix = new ArrayList<>();
  final List<FindingItem> findings = new ArrayList<>();
  final List<NumberRow> keyNumbers = new ArrayList<>();
  final List<Gap> gaps = new ArrayList<>();
  final List<FaultRow> faults = new ArrayList<>();
  final List<Artifact> artifacts = new ArrayList<>();
  final List<ChartItem> charts = new ArrayList<>();
  final List<ActionItem> actions = new ArrayList<>();

  /** The earlier runs of the journal directory, compared with this one; none by default. */
  final RunHistory history;

  SummaryPage(RunRecord run, ReportPaths paths) {
    this(run, paths, RunHistory.of(List.of(), run));
  }

  SummaryPage(RunRecord run, ReportPaths paths, RunHistory history) {
    this.history = history;
    this.title = "Game Day — " + run.started().map(DATE::format).orElse("date unknown");
    this.subtitle = subtitle(run);
    this.dryRun = run.dryRun;
    for (ExperimentRecord e : run.experiments()) {
      e.verdict().ifPresent(v -> counts.merge(v, 1, Integer::sum));
      matrix.add(new MatrixRow(e.id, e.title, e.method, e.verdict, Values.status(e.verdict), keyOutput(e)));
      e.findings.forEach(f -> findings.add(new FindingItem(e.id, f)));
      e.chartsWithMarkers().forEach(c -> charts.add(new ChartItem(e.id, c)));
      e.keyNumbers.forEach(k -> keyNumbers.add(numberRow(e.id, k)));
      e.faults.forEach(f -> faults.add(faultRow(e, f)));
      addGaps(e);
    }
    addRunGaps(run);
    artifacts.addAll(paths.artifacts());
    addActions();
  }

  /** The next run's scope: every finding's action, most severe first, in finding order within a severity. */
  private void addActions() {
    for (int i = 0; i < findings.size(); i++) {
      FindingItem item = findings.get(i);
      Finding.Action action = item.finding().action();
      if (action != null) {
        actions.add(new ActionItem(item.task(), action.severity(), action.text(), item.finding().title(), i + 1));
      }
    }
    actions.sort(Comparator.comparing(ActionItem::severity));
  }

  private static String subtitle(RunRecord run) {
    StringBuilder s = new StringBuilder();
    int n = run.experiments.size();
    s.append(n).append(n == 1 ? " experiment" : " experiments").append(" against target '").append(run.target).append("'");
    if (!run.profile.isEmpty()) {
      s.append(", Maven profile '").append(run.profile).append("'");
    }
    s.append("; run ").append(run.runId);
    run.started().ifPresent(at -> s.append(", started ").append(TIME.format(at)).append(" UTC"));
    if (run.started != null && run.finished != null) {
      s.append(", took ").append(duration(Duration.between(run.started, run.finished)));
    } else {
      s.append(", not finished");
    }
    return s.toString();
  }

  private static String duration(Duration d) {
    long seconds = d.toSeconds();
    return seconds < 60 ? seconds + " s" : (seconds / 60) + " min " + (seconds % 60) + " s";
  }

  /** The row's "key output / finding": the first finding, else why it did not hold, else its first figures. */
  private static String keyOutput(ExperimentRecord e) {
    List<String> parts = new ArrayList<>();
    if (!e.findings.isEmpty()) {
      Finding first = e.findings.get(0);
      parts.add(first.title() + (first.statement().isEmpty() ? "" : ": " + first.statement()));
      if (e.findings.size() > 1) {
        parts.add("(+" + (e.findings.size() - 1) + " more findings)");
      }
    } else if (e.verdict != null && e.verdict != Verdict.HELD) {
      parts.add(VerdictExplanation.expectedSeen(Values.reason(e.verdict, e.verdictMessage)));
    } else if (!e.keyNumbers.isEmpty()) {
      parts.add(e.keyNumbers.stream().limit(3)
          .map(k -> k.name() + " = " + Values.quantity(k.value(), k.unit()))
          .collect(Collectors.joining("; ")));
    } else if (e.verdict == Verdict.HELD) {
      parts.add(Values.reason(e.verdict, e.verdictMessage));
    }
    if (e.dryRun()) {
      parts.add("[dry run: fault described, not acted on]");
    }
    if (!e.failedRollbacks().isEmpty()) {
      parts.add("[rollback FAILED: target may still be broken]");
    }
    String text = String.join(" ", parts);
    return text.isEmpty() ? "—" : Values.abbreviate(text, KEY_OUTPUT_CHARS);
  }

  private static NumberRow numberRow(String task, KeyNumber k) {
    Values.Quantity q = Values.quantity(k.value(), k.unit());
    return new NumberRow(task, k.name(), q.value(), q.unit(), k.note());
  }

  private static FaultRow faultRow(ExperimentRecord e, FaultRecord f) {
    String outcome;
    if (f.dryRun()) {
      outcome = "dry run: not acted on";
    } else {
      List<RollbackRecord> matching = e.rollbacks.stream().filter(r -> r.rollback().equals(f.rollback())).toList();
      outcome = matching.isEmpty() ? "no rollback journaled"
          : matching.stream().map(r -> (r.failed() ? "FAILED (" + r.error() + ")" : "done")
              + (r.source().isEmpty() ? "" : " via " + r.source())).collect(Collectors.joining("; "));
    }
    return new FaultRow(e.id, f.fault(), f.rollback(), outcome);
  }

  private void addGaps(ExperimentRecord e) {
    String name = e.id + (e.title.isEmpty() ? "" : " " + e.title) + (e.method.isEmpty() ? "" : " (" + e.method + ")");
    if (e.verdict == null) {
      gaps.add(new Gap(name + ": no verdict", "The journal ends before this experiment's verdict: the run was "
          + "killed or is still running. Its rollbacks, if any, are completed by the next run."));
    } else if (e.verdict == Verdict.DEVIATED || e.verdict == Verdict.ERROR || e.verdict == Verdict.BLOCKED
        || (e.verdict == Verdict.ABORTED && !e.dryRun())) {
      VerdictExplanation why = VerdictExplanation.of(e.verdict, e.verdictMessage);
      gaps.add(new Gap(name + ": " + e.verdict, why.text(), why.rawAddsDetail() ? why.raw() : ""));
    }
    for (GuardRecord g : e.guards) {
      gaps.add(new Gap(name + ": guard '" + g.guard() + "' breached", g.check() + ": read " + g.reading()
          + ", limit " + g.limit() + "; the fault was halted and rolled back"));
    }
    for (RollbackRecord r : e.failedRollbacks()) {
      gaps.add(failedRollback(name, r));
    }
  }

  private void addRunGaps(RunRecord run) {
    run.runRollbacks.stream().filter(RollbackRecord::failed).forEach(r -> gaps.add(failedRollback("run " + run.runId, r)));
    if (run.finished == null) {
      gaps.add(new Gap("Run did not finish", "The journal has no RunFinished event: the run was killed or is "
          + "still running, so this page shows only what happened up to the last event."));
    }
    if (!run.unreadable.isEmpty()) {
      gaps.add(new Gap("Journal lines left out", run.unreadable.size() + " line(s) could not be read: "
          + String.join("; ", run.unreadable)));
    }
  }

  private static Gap failedRollback(String name, RollbackRecord r) {
    return new Gap(name + ": rollback failed: " + r.rollback(), r.error() + " (source: " + r.source()
        + "). The target may still be broken; the rollback stays pending and the next run completes it first.");
  }

  String countsLine() {
    if (counts.isEmpty()) {
      return "no verdicts";
    }
    return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
  }

  /** Where the files of a run are, as the page should name them (relative to the page where possible). */
  record ReportPaths(Path journal, Path pageDir, Path allureReport, Path allureResults) {
    List<Artifact> artifacts() {
      List<Artifact> list = new ArrayList<>();
      list.add(new Artifact("Journal (JSON lines, one event per line)", relative(journal)));
      if (allureReport != null) {
        list.add(new Artifact("Allure report (generated after the tests)",
            relative(allureReport.resolve("index.html"))));
      }
      if (allureResults != null) {
        list.add(new Artifact("Allure results", relative(allureResults)));
      }
      return list;
    }

    private String relative(Path path) {
      Path absolute = path.toAbsolutePath().normalize();
      try {
        return pageDir.toAbsolutePath().normalize().relativize(absolute).toString().replace('\\', '/');
      } catch (IllegalArgumentException differentRoot) {
        return absolute.toString();
      }
    }
  }
}
