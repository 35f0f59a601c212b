package run.tokenlabs.chaos.load.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/** Derives the ledger of a run and writes results as JSON and HdrHistogram logs, for {@link LoadResult}. */
final class ResultExport {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String[] METRICS = {"ttft", "ttfc", "itl", "tpot", "e2e", "dispatch", "chunkInterval", "ttftAtDeadline"};
  /** Which requests each metric's percentiles are computed over, said beside every figure. */
  private static final String[] POPULATIONS = {"complete requests", "complete requests", "every inter-chunk gap of"
      + " complete requests", "complete requests whose tokens the server counted", "complete requests",
      "every request sent", "complete requests with two or more text chunks", "every scheduled request; one without a"
      + " first token (refused, failed, timed out) counts at its request timeout"};

  private ResultExport() {}

  static Ledger ledgerOf(long scheduled, List<RequestRecord> records) {
    var byOutcome = new EnumMap<Outcome, Long>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      byOutcome.put(o, 0L);
    }
    var byStatus = new HashMap<Integer, Long>();
    var bySignal = new EnumMap<TruncationSignal, Long>(TruncationSignal.class);
    for (RequestRecord r : records) {
      byOutcome.merge(r.outcome(), 1L, Long::sum);
      if (r.outcome() == Outcome.HTTP_ERROR) {
        byStatus.merge(r.httpStatus(), 1L, Long::sum);
      }
      if (r.outcome() == Outcome.TRUNCATED) {
        r.truncation().forEach(s -> bySignal.merge(s, 1L, Long::sum));
      }
    }
    return new Ledger(scheduled, byOutcome, byStatus, bySignal);
  }

  static String toJson(LoadResult result, boolean withRequests) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("startedAt", result.startedAt().toString());
    root.put("wallMillis", result.wallTime().toMillis());
    root.set("spec", spec(result.spec()));
    root.put("latencyBasis", "intended start (open loop: scheduled arrival; closed loop: when the session issued"
        + " the request); raw figures carry no expected-interval correction (a closed loop's corrected ones are under"
        + " coordinatedOmission); each figure names its population; ttft = first chunk with non-empty choices, ttfc = first"
        + " content token; ttft, ttfc, itl, tpot, e2e and chunkInterval of complete requests, ttftByOutcome of every"
        + " request with a first chunk; tpot only where the server counted the tokens (usage), chunkInterval ="
        + " time between text chunks");
    root.set("ledger", ledger(result.ledger()));
    ObjectNode latency = root.putObject("latencyMillis");
    latency.set("all", latency(result.histograms()));
    for (Bucket b : result.spec().workload().buckets()) {
      latency.set(b.name(), latency(result.histograms(b.name())));
    }
    result.goodput().ifPresent(g -> {
      ObjectNode n = root.putObject("goodput");
      n.put("ttftMillis", g.slo().ttft().toMillis()).put("tpotMillis", g.slo().tpot().toMillis())
          .put("e2eMillis", g.slo().e2e().toMillis()).put("ttftBasis", g.slo().ttftBasis().name())
          .put("met", g.met()).put("scheduled", g.scheduled()).put("fraction", g.fraction())
          .put("perSecond", g.perSecond());
    });
    ArrayNode prompts = root.putArray("prompts");
    for (PromptInfo p : result.prompts()) {
      prompts.addObject().put("bucket", p.bucket()).put("targetTokens", p.targetTokens())
          .put("promptTokens", p.promptTokens()).put("exact", p.exact()).put("tokenizeCalls", p.tokenizeCalls())
          .put("bytes", p.bytes());
    }
    result.coordinatedOmission().ifPresent(co -> {
      ObjectNode n = root.putObject("coordinatedOmission");
      n.put("expectedIntervalMillis", co.expectedInterval().toNanos() / 1e6)
          .put("basis", "closed loop corrected with HdrHistogram's expected-interval correction; expected interval ="
              + " median time per request of a session");
      summary(n.putObject("ttft").put("population", POPULATIONS[0] + ", plus the requests a steady load would have"
          + " issued"), co.ttftMicros());
      summary(n.putObject("e2e").put("population", POPULATIONS[4] + ", plus the requests a steady load would have"
          + " issued"), co.e2eMicros());
      summary(n.putObject("ttftAtDeadline").put("population", POPULATIONS[7] + ", plus the requests a steady load"
          + " would have issued"), co.ttftAtDeadlineMicros());
    });
    ArrayNode errors = root.putArray("errors");
    result.errors().forEach(errors::add);
    ArrayNode warnings = root.putArray("warnings");
    result.warnings().forEach(warnings::add);
    if (withRequests) {
      ArrayNode requests = root.putArray("requests");
      result.records().forEach(r -> requests.add(request(r)));
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Cannot write load result as JSON", e);
    }
  }

  private static ObjectNode spec(LoadSpec spec) {
    ObjectNode n = MAPPER.createObjectNode();
    var e = spec.endpoint();
    n.putObject("endpoint").put("baseUrl", e.baseUrl().toString()).put("model", e.model()).put("api", e.api().name())
        .put("bearerToken", e.bearerToken().isPresent() ? "****" : "none").put("ignoreEos", e.ignoreEos())
        .put("includeUsage", e.includeUsage());
    ObjectNode loop = n.putObject("loop");
    if (spec.loop() instanceof Loop.Open open) {
      var a = open.arrivals();
      loop.put("type", "open").put("process", a.process().name()).put("ratePerSecond", a.ratePerSecond())
          .put("burstiness", a.burstiness()).put("rampUpMillis", a.rampUp().toMillis()).put("seed", a.seed());
    } else if (spec.loop() instanceof Loop.Replay replay) {
      loop.put("type", "replay").put("trace", replay.trace().source()).put("requests", replay.trace().size())
          .put("timeScale", replay.trace().timeScale());
    } else {
      loop.put("type", "closed").put("concurrency", ((Loop.Closed) spec.loop()).concurrency());
    }
    n.putObject("bounds").put("durationMillis", spec.bounds().duration().toMillis())
        .put("maxRequests", spec.bounds().maxRequests())
        .put("requestTimeoutMillis", spec.bounds().requestTimeout().toMillis())
        .put("maxDispatchDelayMillis", spec.bounds().maxDispatchDelay().toMillis());
    n.putObject("pool").put("sizing", spec.pool().sizing().name()).put("maxInFlight",
        spec.pool().inFlightLimit(spec.loop(), spec.bounds()));
    ArrayNode buckets = n.putArray("buckets");
    for (Bucket b : spec.workload().buckets()) {
      ObjectNode bn = buckets.addObject().put("name", b.name()).put("promptTokens", b.promptTokens())
          .put("maxTokens", b.maxTokens()).put("weight", b.weight());
      b.slowReaderPace().ifPresent(p -> bn.put("slowReaderPaceMillis", p.toMillis()));
    }
    return n;
  }

  private static ObjectNode ledger(Ledger ledger) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("scheduled", ledger.scheduled()).put("accounted", ledger.accounted())
        .put("unaccounted", ledger.unaccounted()).put("balanced", ledger.balanced());
    ObjectNode outcomes = n.putObject("outcomes");
    for (Outcome o : Outcome.values()) {
      outcomes.put(o.name().toLowerCase(Locale.ROOT), ledger.count(o));
    }
    ObjectNode status = n.putObject("httpStatus");
    new TreeMap<>(ledger.byHttpStatus()).forEach((k, v) -> status.put(String.valueOf(k), v));
    ObjectNode signals = n.putObject("truncationSignals");
    ledger.byTruncationSignal().forEach((k, v) -> signals.put(k.name(), v));
    return n;
  }

  private static ObjectNode latency(LatencyHistograms h) {
    ObjectNode n = MAPPER.createObjectNode();
    List<Histogram> all = histograms(h);
    for (int i = 0; i < METRICS.length; i++) {
      summary(n.putObject(METRICS[i]).put("population", POPULATIONS[i]), all.get(i));
    }
    ObjectNode byOutcome = n.putObject("ttftByOutcome");
    for (Outcome o : Outcome.values()) {
      Histogram m = h.ttftMicros(o);
      if (m.getTotalCount() > 0) {
        summary(byOutcome.putObject(o.name()).put("population", o.name() + " requests with a first chunk"), m);
      }
    }
    return n;
  }

  private static void summary(ObjectNode s, Histogram m) {
    s.put("count", m.getTotalCount());
    if (m.getTotalCount() > 0) {
      s.put("mean", m.getMean() / 1000).put("p50", pct(m, 50)).put("p90", pct(m, 90)).put("p95", pct(m, 95))
          .put("p99", pct(m, 99)).put("max", m.getMaxValue() / 1000.0);
    }
  }

  private static double pct(Histogram h, double p) {
    return h.getValueAtPercentile(p) / 1000.0;
  }

  static List<Histogram> histograms(LatencyHistograms h) {
    return List.of(h.ttftMicros(), h.ttfcMicros(), h.itlMicros(), h.tpotMicros(), h.e2eMicros(), h.dispatchDelayMicros(),
        h.chunkIntervalMicros(), h.ttftAtDeadlineMicros());
  }

  private static ObjectNode request(RequestRecord r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", r.id()).put("bucket", r.bucket()).put("outcome", r.outcome().name());
    ArrayNode signals = n.putArray("truncation");
    r.truncation().stream().sorted().forEach(s -> signals.add(s.name()));
    n.put("httpStatus", r.httpStatus()).put("intendedStartMicros", r.intendedStartNanos() / 1000)
        .put("actualStartMicros", micros(r.actualStartNanos())).put("firstChunkMicros", micros(r.firstChunkNanos()))
        .put("firstContentMicros", micros(r.firstContentNanos())).put("lastChunkMicros", micros(r.lastChunkNanos()))
        .put("endMicros", r.endNanos() / 1000).put("chunks", r.chunks()).put("tokensReceived", r.tokensReceived())
        .put("maxTokens", r.maxTokens()).put("finishReason", r.finishReason()).put("done", r.doneReceived())
        .put("slowReader", r.slowReader());
    n.put("tokenCount", r.tokenCount().name()).put("outputTokens", r.outputTokens());
    ObjectNode multi = n.putObject("multiTokenChunks");
    multi.put("atLeast", r.multiTokenChunksAtLeast() < 0 ? null : r.multiTokenChunksAtLeast())
        .put("atMost", r.multiTokenChunksAtMost() < 0 ? null : r.multiTokenChunksAtMost());
    if (r.multiTokenChunks().isPresent()) {
      multi.put("exactly", r.multiTokenChunks().getAsInt());
    } else {
      multi.putNull("exactly");
    }
    n.put("tpotMicros", r.tpot().map(d -> d.toNanos() / 1000).orElse(null))
        .put("chunkIntervalMicros", r.chunkInterval().map(d -> d.toNanos() / 1000).orElse(null));
    if (r.usage() != null) {
      n.putObject("usage").put("promptTokens", r.usage().promptTokens())
          .put("completionTokens", r.usage().completionTokens()).put("totalTokens", r.usage().totalTokens());
    }
    if (r.errorClass() != null) {
      n.put("errorClass", r.errorClass());
    }
    if (r.errorDetail() != null) {
      n.put("errorDetail", r.errorDetail());
    }
    ArrayNode gaps = n.putArray("interChunkGapsMicros");
    r.gaps().stream().forEach(gaps::add);
    return n;
  }

  private static Long micros(long nanos) {
    return nanos < 0 ? null : nanos / 1000;
  }

  /** One interval histogram per {@code interval} of intended start, per bucket and metric. */
  static String histogramLog(LoadResult result, Duration interval) {
    var out = new ByteArrayOutputStream();
    long startMillis = result.startedAt().toEpochMilli();
    try (var print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      var writer = new HistogramLogWriter(print);
      writer.outputComment("tokenlabs-chaos load: values in microseconds, from the intended start");
      writer.outputLogFormatVersion();
      writer.outputStartTime(startMillis);
      writer.setBaseTime(startMillis);
      writer.outputLegend();
      Map<Long, List<RequestRecord>> windows = new TreeMap<>();
      long step = Math.max(1, interval.toNanos());
      for (RequestRecord r : result.records()) {
        windows.computeIfAbsent(r.intendedStartNanos() / step, k -> new ArrayList<>()).add(r);
      }
      for (var window : windows.entrySet()) {
        long from = startMillis + window.getKey() * step / 1_000_000;
        long to = from + step / 1_000_000;
        for (Bucket b : result.spec().workload().buckets()) {
          var inBucket = window.getValue().stream().filter(r -> r.bucket().equals(b.name())).toList();
          List<Histogram> hs = histograms(LatencyHistograms.of(inBucket, result.spec().bounds().requestTimeout()));
          for (int i = 0; i < METRICS.length; i++) {
            Histogram h = hs.get(i);
            if (h.getTotalCount() == 0) {
              continue;
            }
            h.setStartTimeStamp(from);
            h.setEndTimeStamp(to);
            h.setTag(b.name() + "." + METRICS[i]);
            writer.outputIntervalHistogram(h);
          }
        }
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
