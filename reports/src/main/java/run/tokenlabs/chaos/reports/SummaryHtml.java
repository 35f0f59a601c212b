package run.tokenlabs.chaos.reports;

import java.util.Base64;
import java.util.List;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.reports.SummaryPage.ActionItem;
import run.tokenlabs.chaos.reports.SummaryPage.Artifact;
import run.tokenlabs.chaos.reports.SummaryPage.ChartItem;
import run.tokenlabs.chaos.reports.SummaryPage.FaultRow;
import run.tokenlabs.chaos.reports.SummaryPage.FindingItem;
import run.tokenlabs.chaos.reports.SummaryPage.Gap;
import run.tokenlabs.chaos.reports.SummaryPage.MatrixRow;
import run.tokenlabs.chaos.reports.SummaryPage.NumberRow;

/**
 * The summary page as one self-contained HTML file: inline CSS, charts as inline PNG images, no
 * scripts, no external assets, so it can be mailed, printed or archived as is. Findings come first,
 * the next run's scope last. Every journal text is HTML-escaped.
 */
final class SummaryHtml {
  private static final String CSS = """
      body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d232a}
      h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #e3e7eb;padding-bottom:.3rem}
      .sub{color:#56606b;margin:.2rem 0}.dry{background:#fff6d6;border:1px solid #e8c95a;padding:.5rem .8rem;border-radius:4px}
      table{border-collapse:collapse;width:100%}th,td{border:1px solid #d9dee3;padding:.4rem .6rem;text-align:left;vertical-align:top}
      th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      .task b{display:block}.task small{color:#6a737d}.numbers td:first-child,.faults td:first-child{white-space:nowrap}
      .st{white-space:nowrap;font-weight:600}.HELD{color:#1a7f37}.DEVIATED{color:#cf222e}.ABORTED{color:#9a6700}
      .BLOCKED{color:#8250df}.ERROR{color:#bc4c00}.NONE{color:#6a737d}.nodata{color:#9a6700;font-style:italic}
      .card{border:1px solid #d9dee3;border-left:4px solid #0969da;border-radius:4px;padding:.6rem 1rem;margin:.8rem 0}
      .card.gap{border-left-color:#cf222e}.card h3{margin:.1rem 0 .4rem;font-size:1.02rem}.card .label{color:#6a737d;font-size:.8rem;text-transform:uppercase;letter-spacing:.05em}
      pre{background:#f6f8fa;padding:.6rem;overflow:auto;white-space:pre-wrap}
      figure.chart{margin:1rem 0;border:1px solid #d9dee3;border-radius:4px;padding:.5rem}figure.chart img{width:100%;height:auto;display:block}
      figure.chart figcaption{color:#56606b;font-size:.85rem;margin-top:.3rem}
      .actions li{margin:.4rem 0}.sev{font-weight:600;font-size:.8rem;padding:.05rem .35rem;border-radius:3px;color:#fff}
      .sev.HIGH{background:#cf222e}.sev.MEDIUM{background:#9a6700}.sev.LOW{background:#6e7781}
      @media print{body{max-width:none;margin:0;font-size:11pt}h2{break-after:avoid}.card,figure.chart,tr{break-inside:avoid}
      a{color:inherit;text-decoration:none}pre{white-space:pre-wrap}}
      """;

  private SummaryHtml() {}

  static String render(SummaryPage page) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(esc(page.title)).append("</title><style>").append(CSS).append("</style></head><body>\n");
    h.append("<h1>").append(esc(page.title)).append("</h1>\n<p class=\"sub\">").append(esc(page.subtitle)).append("</p>\n");
    h.append("<p class=\"sub\">Verdicts: ").append(esc(page.countsLine())).append("</p>\n");
    if (page.dryRun) {
      h.append("<p class=\"dry\"><b>Dry run:</b> faults were described, not acted on.</p>\n");
    }
    findings(h, page.findings);
    matrix(h, page.matrix);
    charts(h, page.charts);
    gaps(h, page.gaps);
    keyNumbers(h, page.keyNumbers);
    history(h, page.history);
    faults(h, page.faults);
    artifacts(h, page.artifacts);
    actions(h, page.actions);
    return h.append("</body></html>\n").toString();
  }

  private static void matrix(StringBuilder h, List<MatrixRow> rows) {
    h.append("<h2>Completion Matrix</h2>\n<table class=\"matrix\"><thead><tr><th>Task</th><th>Status</th>")
        .append("<th>Key Output / Finding</th></tr></thead><tbody>\n");
    for (MatrixRow r : rows) {
      String css = cssClass(r.verdict());
      h.append("<tr><td class=\"task\"><b>").append(esc(r.task())).append("</b>").append(esc(r.title()));
      if (!r.method().isEmpty()) {
        h.append("<br><small>").append(esc(r.method())).append("</small>");
      }
      h.append("</td><td class=\"st ").append(css).append("\">").append(esc(r.status())).append("</td><td>")
          .append(esc(r.keyOutput())).append("</td></tr>\n");
    }
    if (rows.isEmpty()) {
      h.append("<tr><td colspan=\"3\">No experiment ran.</td></tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  private static void findings(StringBuilder h, List<FindingItem> items) {
    h.append("<h2>Top Findings</h2>\n");
    if (items.isEmpty()) {
      h.append("<p>None recorded.</p>\n");
    }
    int n = 0;
    for (FindingItem item : items) {
      h.append("<div class=\"card finding\" id=\"").append(findingAnchor(++n)).append("\"><div class=\"label\">")
          .append(String.format("Finding %02d", n))
          .append(" · ").append(esc(item.task())).append("</div><h3>").append(esc(item.finding().title()))
          .append("</h3><p>").append(esc(item.finding().statement())).append("</p>");
      if (!item.finding().evidence().isBlank()) {
        h.append("<pre>").append(esc(item.finding().evidence())).append("</pre>");
      }
      h.append("</div>\n");
    }
  }

  static String findingAnchor(int number) {
    return String.format("finding-%02d", number);
  }

  /** Each chart as an inline PNG: the page stays one file and renders without scripts. */
  private static void charts(StringBuilder h, List<ChartItem> charts) {
    if (charts.isEmpty()) {
      return;
    }
    h.append("<h2>Charts</h2>\n");
    for (ChartItem c : charts) {
      String title = c.chart().title();
      byte[] png;
      try {
        png = ChartPainter.png(c.chart());
      } catch (RuntimeException e) { // one chart that cannot be drawn must not cost the page
        h.append("<p class=\"nodata\">Chart '").append(esc(title)).append("' of ").append(esc(c.task()))
            .append(" could not be drawn: ").append(esc(String.valueOf(e.getMessage()))).append("; its data is in the ")
            .append("journal as evidence named '").append(esc(ChartSpec.PREFIX + title)).append("'.</p>\n");
        continue;
      }
      h.append("<figure class=\"chart\" data-kind=\"").append(esc(c.chart().kind())).append("\"><img alt=\"")
          .append(esc(c.task() + ": " + title)).append("\" width=\"").append(ChartPainter.WIDTH).append("\" height=\"")
          .append(ChartPainter.HEIGHT).append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(png)).append("\"><figcaption><b>")
          .append(esc(c.task())).append("</b> ").append(esc(title)).append("</figcaption></figure>\n");
    }
  }

  /** The next run's scope, most severe first, each linked to the finding that asks for it. */
  private static void actions(StringBuilder h, List<ActionItem> actions) {
    h.append("<h2>Next Run Scope</h2>\n");
    if (actions.isEmpty()) {
      h.append("<p>No finding recommends an action.</p>\n");
      return;
    }
    h.append("<ol class=\"actions\">\n");
    for (ActionItem a : actions) {
      h.append("<li><span class=\"sev ").append(a.severity().name()).append("\">").append(a.severity().name())
          .append("</span> ").append(esc(a.action())).append(" <small>(").append(esc(a.task())).append(", from <a href=\"#")
          .append(findingAnchor(a.findingNumber())).append("\">finding ").append(String.format("%02d", a.findingNumber()))
          .append(": ").append(esc(a.finding())).append("</a>)</small></li>\n");
    }
    h.append("</ol>\n");
  }

  private static void keyNumbers(StringBuilder h, List<NumberRow> rows) {
    h.append("<h2>Key Numbers</h2>\n");
    if (rows.isEmpty()) {
      h.append("<p>None recorded.</p>\n");
      return;
    }
    h.append("<table class=\"numbers\"><thead><tr><th>Task</th><th>Metric</th><th>Value</th><th>Unit</th>")
        .append("<th>Notes</th></tr></thead><tbody>\n");
    for (NumberRow r : rows) {
      String css = Values.NO_DATA.equals(r.value()) ? "num nodata" : "num";
      h.append("<tr><td>").append(esc(r.task())).append("</td><td>").append(esc(r.metric()))
          .append("</td><td class=\"").append(css).append("\">").append(esc(r.value())).append("</td><td>")
          .append(esc(r.unit())).append("</td><td>").append(esc(r.note())).append("</td></tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  /** Shown once the journal directory holds an earlier run to compare with. */
  private static void history(StringBuilder h, RunHistory history) {
    if (!history.hasEarlierRuns()) {
      return;
    }
    h.append("<h2>History</h2>\n");
    if (history.regressions.isEmpty()) {
      h.append("<p>No duration regressed past ").append(RunHistory.REGRESSION_FACTOR)
          .append("x the previous or the best run.</p>\n");
    } else {
      h.append("<ul class=\"regressions\">\n");
      history.regressions.forEach(r -> h.append("<li><b>Regressed:</b> ").append(esc(r)).append("</li>\n"));
      h.append("</ul>\n");
    }
    StringBuilder head = new StringBuilder();
    history.runs.forEach(r -> head.append("<th>").append(esc(r.started())).append("<br><small>")
        .append(esc(r.runId())).append("</small></th>"));
    h.append("<table class=\"history\"><thead><tr><th>Resilience score</th><th></th>").append(head)
        .append("</tr></thead><tbody>\n<tr><td></td><td></td>");
    history.runs.forEach(r -> h.append("<td class=\"num\">").append(esc(r.score())).append("</td>"));
    h.append("</tr>\n");
    for (RunHistory.VerdictRow row : history.verdicts) {
      h.append("<tr><td>").append(esc(row.task())).append("</td><td>").append(esc(row.method())).append("</td>");
      row.cells().forEach(c -> h.append("<td>").append(esc(c)).append("</td>"));
      h.append("</tr>\n");
    }
    for (RunHistory.NumberTrend row : history.numbers) {
      h.append("<tr><td>").append(esc(row.task())).append("</td><td>").append(esc(row.metric()))
          .append(row.unit().isEmpty() ? "" : " (" + esc(row.unit()) + ")").append("</td>");
      row.cells().forEach(c -> h.append("<td class=\"num\">").append(esc(c)).append("</td>"));
      h.append("</tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  private static void gaps(StringBuilder h, List<Gap> gaps) {
    h.append("<h2>Open Gaps</h2>\n");
    if (gaps.isEmpty()) {
      h.append("<p>None: every experiment held or was a dry run.</p>\n");
    }
    int n = 0;
    for (Gap gap : gaps) {
      h.append("<div class=\"card gap\"><div class=\"label\">").append(String.format("Gap %02d", ++n))
          .append("</div><h3>").append(esc(gap.title())).append("</h3><p>").append(esc(gap.reason())).append("</p>");
      if (!gap.evidence().isEmpty()) {
        h.append("<details><summary>Raw message</summary><pre>").append(esc(gap.evidence())).append("</pre></details>");
      }
      h.append("</div>\n");
    }
  }

  private static void faults(StringBuilder h, List<FaultRow> rows) {
    h.append("<h2>Faults and Rollbacks</h2>\n");
    if (rows.isEmpty()) {
      h.append("<p>No fault was injected.</p>\n");
      return;
    }
    h.append("<table class=\"faults\"><thead><tr><th>Task</th><th>Fault</th><th>Rollback</th><th>Outcome</th>")
        .append("</tr></thead><tbody>\n");
    for (FaultRow r : rows) {
      h.append("<tr><td>").append(esc(r.task())).append("</td><td>").append(esc(r.fault())).append("</td><td>")
          .append(esc(r.rollback())).append("</td><td>").append(esc(r.outcome())).append("</td></tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  private static void artifacts(StringBuilder h, List<Artifact> artifacts) {
    h.append("<h2>Raw Artifacts</h2>\n<ul>\n");
    for (Artifact a : artifacts) {
      h.append("<li>").append(esc(a.label())).append(": <a href=\"").append(esc(href(a.path()))).append("\">")
          .append(esc(a.path())).append("</a></li>\n");
    }
    h.append("</ul>\n");
  }

  /** A relative link that cannot be read as a URL scheme ("javascript:..."). */
  static String href(String path) {
    int colon = path.indexOf(':');
    int slash = path.indexOf('/');
    boolean looksLikeScheme = colon > 0 && (slash < 0 || colon < slash) && !path.matches("^[A-Za-z]:[\\\\/].*");
    return looksLikeScheme ? "./" + path : path;
  }

  /** HTML text and attribute escaping. */
  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String cssClass(Verdict verdict) {
    return verdict == null ? "NONE" : verdict.name();
  }
}
