package run.tokenlabs.chaos.reports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import run.tokenlabs.chaos.api.KeyNumber;

/**
 * Two runs side by side: each key number of either run (matched by experiment and name) with its
 * delta, and each experiment's verdict in both. A figure with no data on one side has no delta:
 * "no data" is never compared as if it were 0.
 */
final class RunComparison {
  /** A key number in both runs; {@code null} where a run did not record it. */
  record Row(String task, String metric, String unit, Double baseline, Double current) {
    boolean comparable() {
      return baseline != null && current != null && Double.isFinite(baseline) && Double.isFinite(current);
    }

    String delta() {
      return comparable() ? signed(current - baseline) : "—";
    }

    String deltaPercent() {
      if (!comparable() || baseline == 0) {
        return "—";
      }
      return signed((current - baseline) / Math.abs(baseline) * 100) + " %";
    }

    private static String signed(double v) {
      return (v > 0 ? "+" : "") + Values.number(v);
    }
  }

  record VerdictRow(String task, String baseline, String current, boolean changed) {}

  final String baselineRun;
  final String currentRun;
  final List<Row> rows = new ArrayList<>();
  final List<VerdictRow> verdicts = new ArrayList<>();

  RunComparison(RunRecord baseline, RunRecord current) {
    this.baselineRun = baseline.runId;
    this.currentRun = current.runId;
    Map<String, KeyNumber> before = numbers(baseline);
    Map<String, KeyNumber> after = numbers(current);
    Map<String, String> tasks = new LinkedHashMap<>();
    baseline.experiments().forEach(e -> e.keyNumbers.forEach(k -> tasks.putIfAbsent(key(e, k), e.id)));
    current.experiments().forEach(e -> e.keyNumbers.forEach(k -> tasks.putIfAbsent(key(e, k), e.id)));
    for (Map.Entry<String, String> t : tasks.entrySet()) {
      KeyNumber b = before.get(t.getKey());
      KeyNumber c = after.get(t.getKey());
      KeyNumber any = c != null ? c : b;
      rows.add(new Row(t.getValue(), any.name(), any.unit(), b == null ? null : b.value(), c == null ? null : c.value()));
    }
    Set<String> names = new LinkedHashSet<>(baseline.experiments.keySet());
    names.addAll(current.experiments.keySet());
    for (String name : names) {
      ExperimentRecord b = baseline.experiments.get(name);
      ExperimentRecord c = current.experiments.get(name);
      String bs = b == null ? "not run" : Values.status(b.verdict);
      String cs = c == null ? "not run" : Values.status(c.verdict);
      verdicts.add(new VerdictRow((c != null ? c : b).id + " " + name.replaceFirst("^\\S+\\s", ""), bs, cs, !bs.equals(cs)));
    }
  }

  private static Map<String, KeyNumber> numbers(RunRecord run) {
    Map<String, KeyNumber> map = new LinkedHashMap<>();
    run.experiments().forEach(e -> e.keyNumbers.forEach(k -> map.putIfAbsent(key(e, k), k)));
    return map;
  }

  private static String key(ExperimentRecord e, KeyNumber k) {
    return e.name + "\u0000" + k.name();
  }

  private static String value(Double v) {
    return v == null ? "not recorded" : Values.number(v);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Game Day comparison — ").append(SummaryMarkdown.text(baselineRun)).append(" → ")
        .append(SummaryMarkdown.text(currentRun)).append("\n\n## Verdicts\n\n| Experiment | Baseline | Current |\n|---|---|---|\n");
    for (VerdictRow v : verdicts) {
      md.append("| ").append(SummaryMarkdown.cell(v.task())).append(" | ").append(v.baseline()).append(" | ")
          .append(v.current()).append(v.changed() ? " **(changed)**" : "").append(" |\n");
    }
    md.append("\n## Key Numbers\n\n| Task | Metric | Unit | Baseline | Current | Δ | Δ % |\n|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append("| ").append(SummaryMarkdown.cell(r.task())).append(" | ").append(SummaryMarkdown.cell(r.metric()))
          .append(" | ").append(SummaryMarkdown.cell(r.unit())).append(" | ").append(value(r.baseline())).append(" | ")
          .append(value(r.current())).append(" | ").append(r.delta()).append(" | ").append(r.deltaPercent()).append(" |\n");
    }
    return md.toString();
  }

  String html() {
    StringBuilder h = new StringBuilder();
    String title = "Game Day comparison — " + baselineRun + " → " + currentRun;
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(SummaryHtml.esc(title))
        .append("</title><style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem}")
        .append("table{border-collapse:collapse;width:100%}th,td{border:1px solid #d9dee3;padding:.35rem .6rem;text-align:left}")
        .append("th{background:#f3f5f7}td.num{text-align:right;white-space:nowrap}.changed{background:#fff6d6}</style></head><body>\n")
        .append("<h1>").append(SummaryHtml.esc(title)).append("</h1>\n<h2>Verdicts</h2>\n<table><thead><tr><th>Experiment</th>")
        .append("<th>Baseline</th><th>Current</th></tr></thead><tbody>\n");
    for (VerdictRow v : verdicts) {
      h.append(v.changed() ? "<tr class=\"changed\">" : "<tr>").append("<td>").append(SummaryHtml.esc(v.task()))
          .append("</td><td>").append(SummaryHtml.esc(v.baseline())).append("</td><td>").append(SummaryHtml.esc(v.current()))
          .append("</td></tr>\n");
    }
    h.append("</tbody></table>\n<h2>Key Numbers</h2>\n<table><thead><tr><th>Task</th><th>Metric</th><th>Unit</th>")
        .append("<th>Baseline</th><th>Current</th><th>Δ</th><th>Δ %</th></tr></thead><tbody>\n");
    for (Row r : rows) {
      h.append("<tr><td>").append(SummaryHtml.esc(r.task())).append("</td><td>").append(SummaryHtml.esc(r.metric()))
          .append("</td><td>").append(SummaryHtml.esc(r.unit())).append("</td><td class=\"num\">").append(value(r.baseline()))
          .append("</td><td class=\"num\">").append(value(r.current())).append("</td><td class=\"num\">").append(r.delta())
          .append("</td><td class=\"num\">").append(r.deltaPercent()).append("</td></tr>\n");
    }
    return h.append("</tbody></table>\n</body></html>\n").toString();
  }
}
