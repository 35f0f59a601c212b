package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static run.tokenlabs.chaos.api.Tolerance.atLeast;
import static run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams.DEEPSEEK;
import static run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams.LLAMA;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.Sample;
import run.tokenlabs.chaos.probes.api.capabilities.NvlinkMetrics;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;
import run.tokenlabs.chaos.scenarios.experiments.support.PromEvidence;

/**
 * FAILURE-2 of the reference run, NVLink. On the reference run's DGX Spark (GB10) there is no NVLink,
 * so DCGM exports no NVLink field and the experiment is BLOCKED with that reason, not failed. Where
 * NVLink exists (H200), a short load runs on every model and the NVLink error counters (CRC flit, CRC
 * data, replay, recovery) must not grow over it; the bandwidth counter is reported.
 */
@ChaosExperiment(id = "FAILURE-2", title = "NVLink error counters stay steady under load; bandwidth reported",
    recoverySeconds = 30)
@RequiresCapability(NvlinkMetrics.class)
class NvlinkErrorCountersIT {
  static final String ERROR_COUNTERS = "{__name__=~\"DCGM_FI_DEV_NVLINK_.*_ERROR_COUNT_TOTAL\"}";
  static final String BANDWIDTH = "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL";
  private static final String COUNTERS_BY_GPU = "max by (__name__, Hostname, gpu) (" + ERROR_COUNTERS + ")";
  private static final int SESSIONS_PER_MODEL = 4;
  private static final Duration LOAD = Duration.ofSeconds(3);
  static final String ERROR_INCREASE = "NVLink error counter increase";
  static final String BANDWIDTH_TOTAL = "NVLink bandwidth total";
  static final String BANDWIDTH_RATE = "NVLink bandwidth rate";

  @SteadyState
  Hypothesis errorCountersExported(Probes probes) {
    return Hypothesis.of("NVLink error counters are exported (they are off in dcgm-exporter's default counters CSV)",
        probes.prometheus().instant("count(" + ERROR_COUNTERS + ")").is(atLeast(1)));
  }

  @Test
  @DisplayName("NVLink error counters do not grow over a short load on every model; the bandwidth counter is reported")
  @ExpectedOnLab(profile = "gb10", verdict = Verdict.BLOCKED)
  @ExpectedOnLab(profile = "h200", verdict = Verdict.HELD,
      keyNumbers = {ERROR_INCREASE, BANDWIDTH_TOTAL, BANDWIDTH_RATE})
  void errorCountersStaySteadyUnderLoad(Chaos chaos, Probes probes) {
    PrometheusProbes probing = probes.prometheus().pollingEvery(Duration.ofMillis(250));
    PrometheusClient prometheus = probing.client();
    Map<String, Double> before = counters(prometheus);
    double bandwidthBefore = total(prometheus, BANDWIDTH);
    Instant start = Instant.now();

    List<LoadResult> loads = loadEveryModel(chaos.target());
    Instant end = Instant.now();
    Duration scrape = probing.scrapeInterval();
    probing.series(BANDWIDTH).awaitScrapedAfter(end, scrape.multipliedBy(3).plusSeconds(10));
    Map<String, Double> after = counters(prometheus);
    double bandwidthAfter = total(prometheus, BANDWIDTH);

    double seconds = Duration.between(start, end).toMillis() / 1000.0;
    double increase = 0;
    StringBuilder table = new StringBuilder("PromQL: " + COUNTERS_BY_GPU + "\ncounter | before | after | increase\n");
    for (Map.Entry<String, Double> e : before.entrySet()) {
      Double now = after.get(e.getKey());
      double grew = now == null ? Double.NaN : now - e.getValue();
      increase += Double.isNaN(grew) ? 0 : grew;
      table.append(e.getKey()).append(" | ").append(PromEvidence.format(e.getValue())).append(" | ")
          .append(now == null ? "no data" : PromEvidence.format(now)).append(" | ").append(PromEvidence.format(grew))
          .append('\n');
    }
    chaos.evidence("NVLink error counters before and after the load", table.toString());
    chaos.evidence("NVLink bandwidth counter", "PromQL: sum(" + BANDWIDTH + ")\nbefore " + PromEvidence.format(bandwidthBefore)
        + ", after " + PromEvidence.format(bandwidthAfter) + " over " + seconds + " s of load");
    chaos.evidence("loads", loads.stream().map(r -> r.spec().endpoint() + ": " + r.ledger()).toList().toString());
    chaos.record(new KeyNumber(ERROR_INCREASE, increase, "errors", "sum over " + before.size()
        + " counters (CRC flit, CRC data, replay, recovery per GPU) across " + seconds + " s of load on every model"));
    chaos.record(new KeyNumber(BANDWIDTH_TOTAL, bandwidthAfter, "counter units",
        "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL summed over GPUs after the load"));
    chaos.record(new KeyNumber(BANDWIDTH_RATE, (bandwidthAfter - bandwidthBefore) / seconds, "counter units/s",
        "increase of DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL over the " + seconds + " s load window; each model is served "
        + "by one GPU, so no traffic needs to cross NVLink"));

    assertThat(before).as("NVLink error counters before the load").isNotEmpty();
    assertThat(loads).as("the load reached every model").allSatisfy(r ->
        assertThat(r.ledger().count(Outcome.COMPLETE)).as("%s", r.ledger()).isPositive());
    assertThat(after).as("NVLink error counters after the load: still exported, none grew").isEqualTo(before);
  }

  private static List<LoadResult> loadEveryModel(Target target) {
    List<CompletableFuture<LoadResult>> running = new ArrayList<>();
    for (String model : List.of(DEEPSEEK, LLAMA)) {
      running.add(CompletableFuture.supplyAsync(() -> Load.closedLoop(GatewayStreams.completions(target, model),
              SESSIONS_PER_MODEL)
          .withWorkload(Bucket.of("nvlink", 512, 128))
          .withBounds(new Bounds(LOAD, 1_000, Duration.ofSeconds(20)))
          .withProgress(Progress.none())
          .run()));
    }
    return running.stream().map(CompletableFuture::join).toList();
  }

  /** Each error counter per GPU: {@code name Hostname/gpuN} to its value. */
  private static Map<String, Double> counters(PrometheusClient prometheus) {
    Map<String, Double> out = new TreeMap<>();
    if (prometheus.query(COUNTERS_BY_GPU) instanceof QueryResult.Vector v) {
      for (Sample s : v.samples()) {
        out.put(s.labels().get("__name__") + " " + PromEvidence.gpuKey(s.labels()), s.value());
      }
    }
    return out;
  }

  private static double total(PrometheusClient prometheus, String metric) {
    if (prometheus.query("sum(" + metric + ")") instanceof QueryResult.Vector v && v.samples().size() == 1) {
      return v.samples().get(0).value();
    }
    return Double.NaN;
  }
}
