package run.tokenlabs.chaos.probes.prometheus;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.probes.api.Alert;
import run.tokenlabs.chaos.probes.api.BuildInfo;
import run.tokenlabs.chaos.probes.api.PrometheusClient;
import run.tokenlabs.chaos.probes.api.QueryResult;
import run.tokenlabs.chaos.probes.api.RuleGroup;
import run.tokenlabs.chaos.probes.api.ScrapeTarget;

/** {@link PrometheusClient} over OkHttp and Jackson. */
final class HttpPrometheusClient implements PrometheusClient {
  private final PrometheusTransport transport;

  HttpPrometheusClient(PrometheusTransport transport) {
    this.transport = transport;
  }

  @Override
  public String url() {
    return transport.url();
  }

  @Override
  public QueryResult query(String promql) {
    return instantQuery(promql, Map.of("query", promql));
  }

  @Override
  public QueryResult query(String promql, Instant time) {
    return instantQuery(promql, Map.of("query", promql, "time", seconds(time)));
  }

  private QueryResult instantQuery(String promql, Map<String, String> form) {
    PrometheusTransport.Answer answer = transport.post("api/v1/query", form, "query `" + promql + "`");
    return ApiDecoding.queryResult(answer.data(), answer.warnings());
  }

  @Override
  public QueryResult.Matrix queryRange(String promql, Instant start, Instant end, Duration step) {
    if (step.isZero() || step.isNegative() || end.isBefore(start)) {
      throw new IllegalArgumentException("queryRange(" + promql + "): need start <= end and a positive step, got "
          + start + " .. " + end + " step " + step);
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("query", promql);
    form.put("start", seconds(start));
    form.put("end", seconds(end));
    form.put("step", BigDecimal.valueOf(step.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString());
    PrometheusTransport.Answer answer = transport.post("api/v1/query_range", form, "range query `" + promql + "`");
    QueryResult result = ApiDecoding.queryResult(answer.data(), answer.warnings());
    if (result instanceof QueryResult.Matrix matrix) {
      return matrix;
    }
    throw new ProbeException("Prometheus at " + url() + " answered range query `" + promql + "` with a "
        + result.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + ", not a matrix");
  }

  @Override
  public List<Alert> alerts() {
    return ApiDecoding.alerts(transport.get("api/v1/alerts", Map.of(), "alerts").data().path("alerts"));
  }

  @Override
  public List<RuleGroup> rules() {
    return ApiDecoding.ruleGroups(transport.get("api/v1/rules", Map.of(), "rules").data().path("groups"));
  }

  @Override
  public List<ScrapeTarget> targets() {
    return ApiDecoding.targets(transport.get("api/v1/targets", Map.of("state", "active"), "targets")
        .data().path("activeTargets"));
  }

  @Override
  public BuildInfo buildInfo() {
    return ApiDecoding.buildInfo(transport.get("api/v1/status/buildinfo", Map.of(), "build info").data());
  }

  private static String seconds(Instant time) {
    return BigDecimal.valueOf(time.toEpochMilli()).movePointLeft(3).stripTrailingZeros().toPlainString();
  }
}
