package run.tokenlabs.chaos.scenarios.experiments;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.probes.api.HttpExpectation;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;
import run.tokenlabs.chaos.scenarios.experiments.support.CorrelationDataset;
import run.tokenlabs.chaos.scenarios.experiments.support.ExperimentProperties;
import run.tokenlabs.chaos.scenarios.experiments.support.Gateway;
import run.tokenlabs.chaos.scenarios.experiments.support.GatewayStreams;

/**
 * DCGM-3 of the reference run, the correlation dataset: over a window of light load through the gateway,
 * the DCGM, vLLM/SGLang and gateway series aligned at the scrape interval, one record per step (the
 * reference run had 73 at 15 s), attached as JSON and CSV; columns that are sparse or NaN-only are a
 * finding, since a correlation over them says nothing. Window: {@value #STEPS_PROPERTY} scrape steps
 * (default 20).
 */
@ChaosExperiment(id = "DCGM-3", title = "Correlation dataset: DCGM, model-server and gateway series aligned per "
    + "scrape step, exported as JSON and CSV, sparse and NaN-only columns flagged", recoverySeconds = 30)
@ExpectedOnLab(profile = "gb10", verdict = Verdict.HELD, keyNumbers = CorrelationDatasetIT.RECORDS)
@ExpectedOnLab(profile = "h200", verdict = Verdict.HELD, keyNumbers = CorrelationDatasetIT.RECORDS)
class CorrelationDatasetIT {
  static final String STEPS_PROPERTY = "tokenlabs.dcgm3.steps";
  static final String RECORDS = "correlation dataset records";
  static final String MODEL = GatewayStreams.DEEPSEEK;
  /** One column per signal, each PromQL aggregated to a single series. */
  static final Map<String, String> COLUMNS = columns();

  private static Map<String, String> columns() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("gpu_util_pct_avg", "avg(DCGM_FI_DEV_GPU_UTIL)");
    c.put("power_w_sum", "sum(DCGM_FI_DEV_POWER_USAGE)");
    c.put("sm_clock_mhz_avg", "avg(DCGM_FI_DEV_SM_CLOCK)");
    c.put("vllm_requests_running", "sum(vllm:num_requests_running)");
    c.put("vllm_kv_cache_usage_max", "max(vllm:kv_cache_usage_perc)");
    c.put("vllm_ttft_p95_s", "histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[1m])))");
    c.put("sglang_running_reqs", "sum(sglang:num_running_reqs)");
    c.put("gateway_rps", "sum(rate(" + Gateway.downstream(null) + "[1m]))");
    return c;
  }

  @SteadyState
  Hypothesis gatewayServes(Probes probes, Target target) {
    return Hypothesis.of("the gateway serves " + MODEL,
        Gateway.completion(probes, target, MODEL).is(HttpExpectation.status(200)));
  }

  @Test
  @DisplayName("DCGM, model-server and gateway series over a window of load, one record per scrape step")
  void correlationDataset(Chaos chaos, Probes probes) {
    PrometheusProbes prometheus = probes.prometheus();
    Duration step = prometheus.scrapeInterval();
    int steps = ExperimentProperties.positiveInt(STEPS_PROPERTY, 20, 500);
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant end = start.plus(step.multipliedBy(steps - 1));
    // light load for the whole window, plus one scrape so the last step has been scraped
    while (Instant.now().isBefore(end.plus(step))) {
      Gateway.completion(probes, chaos.target(), MODEL).readNow();
    }
    CorrelationDataset data = new CorrelationDataset(start, end, step);
    COLUMNS.forEach((name, promql) -> data.column(name, prometheus.client().queryRange(promql, start, end, step).series()));

    chaos.evidence("correlation dataset (JSON)", data.json());
    chaos.evidence("correlation dataset (CSV)", data.csv());
    chaos.evidence("correlation dataset columns (PromQL)", COLUMNS.entrySet().stream()
        .map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining("\n")));
    chaos.record(new KeyNumber(RECORDS, data.records(), "records", "one per " + step.toMillis() + " ms scrape step from "
        + start + " to " + end + "; the reference run had 73 at 15 s"));
    Map<String, String> flagged = data.flagged();
    if (!flagged.isEmpty()) {
      chaos.record(new Finding("sparse or NaN-only columns: " + String.join(", ", flagged.keySet()),
          "A correlation over these columns says nothing until they carry values at most steps: " + flagged,
          data.csv()));
    }
  }
}
