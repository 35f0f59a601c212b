package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import run.tokenlabs.chaos.api.ProbeException;

/**
 * Prometheus' HTTP API with typed answers.
 *
 * <p>Every method either answers or throws {@link ProbeException}: unreachable, 5xx and timeouts
 * are retried within a bound first; a rejected query ({@code bad_data}, {@code execution}) is not
 * retried and its message carries the PromQL and Prometheus' own words. No method ever turns a
 * missing series into 0.
 */
public interface PrometheusClient {

  /** The base URL, for messages (never carries credentials). */
  String url();

  /** {@code /api/v1/query} evaluated now. */
  QueryResult query(String promql);

  /** {@code /api/v1/query} evaluated at {@code time}. */
  QueryResult query(String promql, Instant time);

  /** {@code /api/v1/query_range}; the answer is a matrix. */
  QueryResult.Matrix queryRange(String promql, Instant start, Instant end, Duration step);

  /** {@code /api/v1/alerts}: pending and firing alerts. */
  List<Alert> alerts();

  /** {@code /api/v1/rules}: all groups, alerting and recording rules. */
  List<RuleGroup> rules();

  /** {@code /api/v1/targets}: the active targets. */
  List<ScrapeTarget> targets();

  /** {@code /api/v1/status/buildinfo}. */
  BuildInfo buildInfo();
}
