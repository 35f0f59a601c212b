package run.tokenlabs.chaos.reports;

import java.util.List;
import run.tokenlabs.chaos.reports.SummaryPage.Artifact;
import run.tokenlabs.chaos.reports.SummaryPage.FaultRow;
import run.tokenlabs.chaos.reports.SummaryPage.FindingItem;
import run.tokenlabs.chaos.reports.SummaryPage.Gap;
import run.tokenlabs.chaos.reports.SummaryPage.MatrixRow;
import run.tokenlabs.chaos.reports.SummaryPage.NumberRow;

/**
 * The summary page as Markdown. Text from the journal is escaped with Markdown's own backslash,
 * never an HTML entity, so that a probe reading or an error message cannot break a table
 * ({@code |}, line breaks) or open an HTML tag ({@code <}) and still reads as written ({@code >=}).
 * Charts are drawn on the HTML page; here they are listed by title.
 */
final class SummaryMarkdown {
  private SummaryMarkdown() {}

  static String render(SummaryPage page) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(text(page.title)).append("\n\n");
    md.append(text(page.subtitle)).append("  \n");
    md.append("Verdicts: ").append(text(page.countsLine())).append("\n\n");
    if (page.dryRun) {
      md.append("> **Dry run:** faults were described, not acted on.\n\n");
    }
    findings(md, page.findings);
    matrix(md, page.matrix);
    charts(md, page.charts);
    gaps(md, page.gaps);
    keyNumbers(md, page.keyNumbers);
    history(md, page.history);
    faults(md, page.faults);
    artifacts(md, page.artifacts);
    actions(md, page.actions);
    return md.toString();
  }

  private static void matrix(StringBuilder md, List<MatrixRow> rows) {
    md.append("## Completion Matrix\n\n| Task | Status | Key Output / Finding |\n|---|---|---|\n");
    for (MatrixRow r : rows) {
      String task = "**" + cell(r.task()) + "** " + cell(r.title()) + (r.method().isEmpty() ? "" : " (`" + cell(r.method()) + "`)");
      md.append("| ").append(task).append(" | ").append(r.status()).append(" | ").append(cell(r.keyOutput())).append(" |\n");
    }
    if (rows.isEmpty()) {
      md.append("| — | — | no experiment ran |\n");
    }
    md.append('\n');
  }

  private static void findings(StringBuilder md, List<FindingItem> items) {
    md.append("## Top Findings\n\n");
    if (items.isEmpty()) {
      md.append("None recorded.\n\n");
    }
    int n = 0;
    for (FindingItem item : items) {
      md.append(String.format("### Finding %02d — %s (%s)%n%n", ++n, text(item.finding().title()), text(item.task())));
      md.append(text(item.finding().statement())).append("\n\n");
      if (!item.finding().evidence().isBlank()) {
        md.append("Evidence:\n\n```\n").append(item.finding().evidence().replace("```", "'''")).append("\n```\n\n");
      }
    }
  }

  private static void charts(StringBuilder md, List<SummaryPage.ChartItem> charts) {
    if (charts.isEmpty()) {
      return;
    }
    md.append("## Charts\n\nDrawn on the HTML page of this summary:\n\n");
    charts.forEach(c -> md.append("- **").append(text(c.task())).append("** ").append(text(c.chart().title())).append('\n'));
    md.append('\n');
  }

  private static void actions(StringBuilder md, List<SummaryPage.ActionItem> actions) {
    md.append("\n## Next Run Scope\n\n");
    if (actions.isEmpty()) {
      md.append("No finding recommends an action.\n");
      return;
    }
    int n = 0;
    for (SummaryPage.ActionItem a : actions) {
      md.append(++n).append(". **").append(a.severity()).append("** ").append(text(a.action())).append(" (")
          .append(text(a.task())).append(", from finding ").append(String.format("%02d", a.findingNumber()))
          .append(": ")
          .append(text(a.finding())).append(")\n");
    }
  }

  private static void keyNumbers(StringBuilder md, List<NumberRow> rows) {
    md.append("## Key Numbers\n\n");
    if (rows.isEmpty()) {
      md.append("None recorded.\n\n");
      return;
    }
    md.append("| Task | Metric | Value | Unit | Notes |\n|---|---|---|---|---|\n");
    for (NumberRow r : rows) {
      md.append("| ").append(cell(r.task())).append(" | ").append(cell(r.metric())).append(" | ").append(cell(r.value()))
          .append(" | ").append(cell(r.unit())).append(" | ").append(cell(r.note())).append(" |\n");
    }
    md.append('\n');
  }

  /** Shown once the journal directory holds an earlier run to compare with. */
  private static void history(StringBuilder md, RunHistory history) {
    if (!history.hasEarlierRuns()) {
      return;
    }
    md.append("## History\n\n");
    if (history.regressions.isEmpty()) {
      md.append("No duration regressed past ").append(RunHistory.REGRESSION_FACTOR).append("x the previous or the best run.\n\n");
    } else {
      history.regressions.forEach(r -> md.append("- **Regressed:** ").append(text(r)).append('\n'));
      md.append('\n');
    }
    md.append("| Task | |");
    history.runs.forEach(r -> md.append(' ').append(cell(r.started() + " (" + r.runId() + ")")).append(" |"));
    md.append("\n|---|---|").append("---|".repeat(history.runs.size())).append("\n| Resilience score | |");
    history.runs.forEach(r -> md.append(' ').append(cell(r.score())).append(" |"));
    md.append('\n');
    for (RunHistory.VerdictRow row : history.verdicts) {
      md.append("| ").append(cell(row.task())).append(" | ").append(cell(row.method())).append(" |");
      row.cells().forEach(c -> md.append(' ').append(cell(c)).append(" |"));
      md.append('\n');
    }
    for (RunHistory.NumberTrend row : history.numbers) {
      md.append("| ").append(cell(row.task())).append(" | ")
          .append(cell(row.metric() + (row.unit().isEmpty() ? "" : " (" + row.unit() + ")"))).append(" |");
      row.cells().forEach(c -> md.append(' ').append(cell(c)).append(" |"));
      md.append('\n');
    }
    md.append('\n');
  }

  private static void gaps(StringBuilder md, List<Gap> gaps) {
    md.append("## Open Gaps\n\n");
    if (gaps.isEmpty()) {
      md.append("None: every experiment held or was a dry run.\n\n");
    }
    int n = 0;
    for (Gap gap : gaps) {
      md.append(String.format("### Gap %02d — %s%n%n", ++n, text(gap.title())));
      md.append(text(gap.reason())).append("\n\n");
      if (!gap.evidence().isEmpty()) {
        md.append("Raw message:\n\n```\n").append(gap.evidence().replace("```", "'''")).append("\n```\n\n");
      }
    }
  }

  private static void faults(StringBuilder md, List<FaultRow> rows) {
    md.append("## Faults and Rollbacks\n\n");
    if (rows.isEmpty()) {
      md.append("No fault was injected.\n\n");
      return;
    }
    md.append("| Task | Fault | Rollback | Outcome |\n|---|---|---|---|\n");
    for (FaultRow r : rows) {
      md.append("| ").append(cell(r.task())).append(" | ").append(cell(r.fault())).append(" | ").append(cell(r.rollback()))
          .append(" | ").append(cell(r.outcome())).append(" |\n");
    }
    md.append('\n');
  }

  private static void artifacts(StringBuilder md, List<Artifact> artifacts) {
    md.append("## Raw Artifacts\n\n");
    for (Artifact a : artifacts) {
      md.append("- ").append(text(a.label())).append(": [").append(text(a.path())).append("](")
          .append(a.path().replace(" ", "%20").replace(")", "%29")).append(")\n");
    }
  }

  /** Inline text: a tag opener and a quote marker at a line's start made literal with a backslash. */
  static String text(String s) {
    return s.replace("<", "\\<").replaceAll("(?m)^(\\s*)>", "$1\\\\>");
  }

  /** A table cell: inline text on one line, pipes escaped. */
  static String cell(String s) {
    return text(s).replace("|", "\\|").replaceAll("\\s*\\R\\s*", " ");
  }
}
