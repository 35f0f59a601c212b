package run.tokenlabs.chaos.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A journal of a small game day whose experiments journal every kind of chart the report draws
 * (KV cache against Prometheus with load phases, TTFT CDFs with SLO lines, an A/B, an alert
 * timeline, a scatter, a stacked load ledger), with faults, rollbacks, recovery, findings with
 * actions and a DEVIATED verdict carrying an assertion message. Written line by line in the journal's
 * layout, with seeded data, so the report and browser tests read what a run would have written.
 */
final class ChartJournal {
  static final String RUN = "20261201-120000-cafe";
  /** The titles of the charts in the journal, in order. */
  static final List<String> CHARTS = List.of("KV-cache usage: direct sampler vs Prometheus",
      "Load ledger over time: pressure", "TTFT CDF, bucket A, against the SLO tiers",
      "TTFT A/B, bucket A: chunked prefill off vs on", "Alert timeline: deepseek force-deleted",
      "power (W) against GPU utilisation, gpu 0", "Trace coverage per hop");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Ten minutes ago: the Allure report times the steps from the events' times to when they were written. */
  private static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minusSeconds(600);

  private final List<String> lines = new ArrayList<>();
  private final Random random = new Random(20261201L);
  private String experiment;

  private ChartJournal() {}

  static Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("journal-" + RUN + ".jsonl").toAbsolutePath();
    ChartJournal j = new ChartJournal();
    j.run(file);
    Files.write(file, j.lines);
    return file;
  }

  private void run(Path file) {
    ObjectNode started = event("RunStarted", 0, null).put("target", "lab (gb10)").put("profile", "chaos")
        .put("dryRun", false).put("journal", file.toString())
        .put("pendingRollbacks", file.resolveSibling("pending-" + RUN + ".jsonl").toString());
    started.putArray("allowedNamespaces").add("token-labs");
    add(started);
    kvPressure();
    ttftAndAb();
    barePod();
    powerScatter();
    ObjectNode finished = event("RunFinished", 400, null).put("experiments", 4);
    finished.putObject("verdicts").put("HELD", 3).put("DEVIATED", 1);
    add(finished);
  }

  private void kvPressure() {
    begin(10, "FAILURE-1", "KV-cache pressure degrades gracefully", "KvCachePressureIT", "kvPressure");
    fault(11, "load pressure", "stop load pressure");
    ObjectNode kv = chart("lines", CHARTS.get(0), true, "KV-cache usage (%)");
    List<double[]> scraped = new ArrayList<>();
    for (int s = 12; s <= 60; s += 5) {
      scraped.add(new double[] {ms(s), s < 20 ? 1 : s < 50 ? 40 + s : 2});
    }
    series(kv, "Prometheus (scraped)", scraped, false, false);
    series(kv, "direct sampler peak", List.of(new double[] {ms(16), 3}, new double[] {ms(44), 97.5}), false, true);
    band(kv, ms(12), ms(20), "12 x 700");
    band(kv, ms(22), ms(50), "64 x 32k");
    evidence(60, kv);
    ObjectNode ledger = chart("stacked", CHARTS.get(1), true, "requests ending per second");
    List<double[]> complete = new ArrayList<>();
    List<double[]> truncated = new ArrayList<>();
    for (int s = 22; s <= 50; s++) {
      complete.add(new double[] {ms(s), 2 + random.nextInt(5)});
      if (s % 4 == 0) {
        truncated.add(new double[] {ms(s), 1});
      }
    }
    series(ledger, "COMPLETE", complete, false, false);
    series(ledger, "TRUNCATED", truncated, false, false);
    evidence(61, ledger);
    finding(62, "Reference load (12 x 700) too light to build KV pressure", "peaked at 1.98% of the KV cache",
        "LOW", "Run FAILURE-1 with 32k-token contexts at 50+ concurrent sessions.");
    end(70, "hypothesis held", "HELD");
  }

  private void ttftAndAb() {
    begin(80, "NEXT-RUN-2", "Chunked prefill A/B: short prompts' p95 TTFT falls significantly", "ChunkedPrefillAbIT",
        "chunkedPrefill");
    fault(81, "chunked prefill on", "chunked prefill off");
    ObjectNode cdf = chart("lines", CHARTS.get(2), false, "share of requests at or below");
    series(cdf, "first token (reasoning included)", cdf(0.4, 30, 100), true, false);
    series(cdf, "first content token (SLO basis)", cdf(20, 45, 100), true, false);
    marker(cdf, "x", 30, "Tier 2 (Interactive) TTFT p95");
    marker(cdf, "y", 0.95, "p95");
    evidence(90, cdf);
    ObjectNode ab = chart("lines", CHARTS.get(3), false, "share of requests at or below");
    ab.put("note", "p95 difference (on - off) -0.0114 s, 95% bootstrap interval [-0.02, 0.0114] s");
    series(ab, "off", cdf(0.05, 0.4, 240), true, false);
    series(ab, "on", cdf(0.05, 0.3, 240), true, false);
    marker(ab, "x", 0.38, "p95 off");
    marker(ab, "x", 0.29, "p95 on");
    evidence(91, ab);
    finding(92, "Chunked prefill lowers the short prompts' p95 TTFT", "p95 fell", "MEDIUM",
        "Add --enable-chunked-prefill --max-num-batched-tokens 2048 to the DeepSeek serving args.");
    rollback(95, "chunked prefill off");
    end(96, "java.lang.AssertionError: [upper bound of the 95% bootstrap interval of that difference: n = 240] \n"
        + "Expecting actual:\n  0.0114\nto be less than:\n  0.0 ", "DEVIATED");
  }

  private void barePod() {
    begin(100, "LLMD-3", "Bare pod force-deleted: absence alerts fire within their bound", "BarePodForceDeleteIT",
        "bareDeepSeekPodForceDeleted");
    fault(110, "force-delete pod token-labs/deepseek", "recreate bare pod deepseek");
    ObjectNode timeline = chart("timeline", CHARTS.get(4), true, "alert");
    row(timeline, "TokenLabsPodAbsent", ms(118), ms(125), ms(150), ms(140));
    row(timeline, "VLLMMetricsAbsent", ms(121), ms(131), ms(150), ms(145));
    row(timeline, "SLOBurnRateGatewayLayer", ms(112), ms(141), ms(150), ms(160));
    marker(timeline, "x", ms(117), "series vanished");
    evidence(150, timeline);
    finding(151, "Bare pod token-labs/deepseek has no controller", "nothing recreates it", "HIGH",
        "Wrap every inference pod in a Deployment.");
    rollback(170, "recreate bare pod deepseek");
    ObjectNode after = event("HypothesisChecked", 185, experiment).put("phase", "AFTER")
        .put("hypothesis", "deepseek serves").put("held", true);
    after.putArray("checks");
    add(after);
    end(186, "hypothesis held", "HELD");
  }

  private void powerScatter() {
    begin(200, "DCGM-2", "Causal chain: power and SM clock track utilisation", "PowerClockCausalChainIT", "chain");
    ObjectNode scatter = chart("scatter", CHARTS.get(5), false, "power (W)");
    scatter.put("note", "Pearson r = 0.998, p = 4.2e-10, n = 57 aligned pairs");
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < 57; i++) {
      double util = random.nextDouble() * 100;
      points.add(new double[] {util, 40 + 5.2 * util + random.nextGaussian() * 4});
    }
    series(scatter, "gpu 0", points, false, true);
    evidence(230, scatter);
    ObjectNode hops = chart("bars", CHARTS.get(6), false, "requests whose trace holds its span (%)");
    array(hops, "categories").add("envoy-gateway").add("deepseek-r1-7b").add("llama-3-1-8b").add("end to end");
    series(hops, "spans in the request's trace", List.of(new double[] {0, 0}, new double[] {1, 0},
        new double[] {2, 100}, new double[] {3, 0}), false, false);
    evidence(235, hops);
    end(240, "hypothesis held", "HELD");
  }

  private void begin(int s, String id, String title, String cls, String method) {
    experiment = id + " " + cls + "#" + method;
    add(event("ExperimentStarted", s, experiment).put("id", id).put("title", title).put("className", "x." + cls)
        .put("method", method).put("uniqueId", "[engine:junit-jupiter]/[class:x." + cls + "]/[method:" + method + "()]")
        .put("recoveryTimeoutSeconds", 60));
  }

  private void fault(int s, String fault, String rollback) {
    ObjectNode prepared = event("FaultPrepared", s, experiment).put("fault", fault).put("rollback", rollback)
        .put("dryRun", false);
    prepared.putArray("namespaces").add("token-labs");
    add(prepared);
    add(event("FaultActed", s, experiment).put("fault", fault));
  }

  private void rollback(int s, String rollback) {
    ObjectNode done = event("RollbackDone", s, experiment).put("rollback", rollback).put("kind", "fixture")
        .put("source", "EXPERIMENT");
    done.putArray("state");
    add(done);
  }

  private void finding(int s, String title, String statement, String severity, String action) {
    ObjectNode event = event("FindingRecorded", s, experiment);
    ObjectNode f = event.putObject("finding").put("title", title).put("statement", statement).put("evidence", "fixture");
    f.putObject("action").put("severity", severity).put("text", action);
    add(event);
  }

  private void end(int s, String message, String verdict) {
    add(event("VerdictReached", s, experiment).put("verdict", verdict).put("message", message));
  }

  private void evidence(int s, ObjectNode chart) {
    add(event("EvidenceRecorded", s, experiment).put("name", ChartSpec.PREFIX + chart.get("title").asText())
        .put("content", chart.toString()));
  }

  private static ObjectNode chart(String kind, String title, boolean time, String yLabel) {
    ObjectNode c = JSON.createObjectNode().put("kind", kind).put("title", title);
    c.putObject("x").put("label", time ? "time (UTC)" : "seconds").put("time", time);
    c.putObject("y").put("label", yLabel);
    return c;
  }

  private static void series(ObjectNode chart, String name, List<double[]> points, boolean step, boolean dots) {
    ArrayNode ps = array(chart, "series").addObject().put("name", name).put("step", step).put("dots", dots)
        .putArray("points");
    points.forEach(p -> ps.addArray().add(p[0]).add(p[1]));
  }

  private static void marker(ObjectNode chart, String axis, double at, String label) {
    array(chart, "markers").addObject().put("axis", axis).put("at", at).put("label", label);
  }

  private static void band(ObjectNode chart, double from, double to, String label) {
    array(chart, "bands").addObject().put("from", from).put("to", to).put("label", label);
  }

  private static void row(ObjectNode chart, String name, double pending, double firing, double end, double bound) {
    ObjectNode row = array(chart, "rows").addObject().put("name", name).put("bound", bound);
    row.putArray("segments").add(JSON.createObjectNode().put("state", "pending").put("from", pending).put("to", firing))
        .add(JSON.createObjectNode().put("state", "firing").put("from", firing).put("to", end));
  }

  private static ArrayNode array(ObjectNode node, String field) {
    return node.has(field) ? (ArrayNode) node.get(field) : node.putArray(field);
  }

  /** A sorted sample of {@code n} values between {@code lo} and {@code hi} as CDF points. */
  private List<double[]> cdf(double lo, double hi, int n) {
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      values.add(lo + (hi - lo) * Math.pow(random.nextDouble(), 2));
    }
    values.sort(null);
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      points.add(new double[] {values.get(i), (i + 1.0) / n});
    }
    return points;
  }

  private static double ms(int second) {
    return T0.plusSeconds(second).toEpochMilli();
  }

  private ObjectNode event(String type, int second, String exp) {
    ObjectNode e = JSON.createObjectNode().put("type", type).put("schema", 2).put("at", T0.plusSeconds(second).toString())
        .put("runId", RUN);
    if (exp == null) {
      e.putNull("experiment");
    } else {
      e.put("experiment", exp);
    }
    return e;
  }

  private void add(ObjectNode event) {
    lines.add(event.toString());
  }
}
