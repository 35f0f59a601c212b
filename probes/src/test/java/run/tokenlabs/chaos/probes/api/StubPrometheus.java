package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A Prometheus client answering from memory: instant queries by their exact PromQL, and a fixed list
 * of rule groups. For logic above the HTTP client (its decoding is tested with a MockWebServer).
 */
final class StubPrometheus implements PrometheusClient {
  private final Map<String, Supplier<QueryResult>> queries = new ConcurrentHashMap<>();
  private volatile List<RuleGroup> groups = List.of();

  StubPrometheus answer(String promql, Supplier<QueryResult> result) {
    queries.put(promql, result);
    return this;
  }

  StubPrometheus rules(RuleGroup... loaded) {
    groups = List.of(loaded);
    return this;
  }

  static Rule alerting(String name, long forSeconds, AlertState state) {
    return new Rule(name, true, "vector(1)", state, Duration.ofSeconds(forSeconds), Map.of(), "ok", "",
        Optional.empty(), List.of());
  }

  static RuleGroup group(String name, long intervalSeconds, Rule... rules) {
    return new RuleGroup(name, name + ".yml", Duration.ofSeconds(intervalSeconds), List.of(rules));
  }

  @Override
  public String url() {
    return "http://prometheus.test:9090";
  }

  @Override
  public List<RuleGroup> rules() {
    return groups;
  }

  @Override
  public QueryResult query(String promql) {
    Supplier<QueryResult> answer = queries.get(promql);
    if (answer == null) {
      throw new UnsupportedOperationException("no answer scripted for " + promql);
    }
    return answer.get();
  }

  @Override
  public QueryResult query(String promql, Instant time) {
    return query(promql);
  }

  @Override
  public QueryResult.Matrix queryRange(String promql, Instant start, Instant end, Duration step) {
    throw new UnsupportedOperationException(promql);
  }

  @Override
  public List<Alert> alerts() {
    throw new UnsupportedOperationException("alerts");
  }

  @Override
  public List<ScrapeTarget> targets() {
    throw new UnsupportedOperationException("targets");
  }

  @Override
  public BuildInfo buildInfo() {
    throw new UnsupportedOperationException("buildInfo");
  }
}
