package run.tokenlabs.chaos.scenarios.experiments;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.probes.api.AlertState;
import run.tokenlabs.chaos.probes.api.HttpResult;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;

/**
 * What the two LLMD-3 cases share: a one-request "the gateway serves this model" probe, the gateway's
 * Envoy request counters as PromQL, the burn threshold of {@code SLOBurnRateGatewayLayer}, and the
 * bounded wait for a freshly started target to have been scraped.
 */
final class Llmd3Support {
  /** {@code SLOBurnRateGatewayLayer}'s threshold: 14.4 x the 0.1% budget of the interactive tier. */
  static final double BURN_THRESHOLD = 14.4 * 0.001;
  /** Envoy's downstream request counters on the data-plane listeners, as the burn rule selects them. */
  private static final String DOWNSTREAM =
      "envoy_http_downstream_rq_xx{envoy_http_conn_manager_prefix=~\"https?-[0-9]+\"";
  private static final Duration POLL = Duration.ofMillis(250);

  private Llmd3Support() {
  }

  /** The gateway's downstream request counter: every class ({@code codeClass} null) or one ("2", "5"). */
  static String downstream(String codeClass) {
    return DOWNSTREAM + (codeClass == null ? "" : ",envoy_response_code_class=\"" + codeClass + "\"") + "}";
  }

  /** The gateway's 5xx ratio over {@code window} with {@code function} ({@code rate} or {@code increase}). */
  static String gateway5xxRatio(String function, String window) {
    return "sum(" + function + "(" + downstream("5") + "[" + window + "])) / sum(" + function + "(" + downstream(null)
        + "[" + window + "]))";
  }

  /**
   * How long 5xx at {@code ratePerSecond} take to push the gateway's 1h and 5m 5xx ratios over the burn
   * threshold, given what it served in those windows so far: (threshold x total - 5xx) / (1 - threshold)
   * more 5xx are needed.
   */
  static Duration burnAccumulation(PrometheusProbes prometheus, double ratePerSecond) {
    double needed = 0;
    for (String window : List.of("1h", "5m")) {
      double total = counter(prometheus, "sum(increase(" + downstream(null) + "[" + window + "]))");
      double errors = counter(prometheus, "sum(increase(" + downstream("5") + "[" + window + "]))");
      needed = Math.max(needed, (BURN_THRESHOLD * total - errors) / (1 - BURN_THRESHOLD));
    }
    return Duration.ofMillis((long) Math.ceil(Math.max(0, needed + 1) / ratePerSecond * 1000));
  }

  /** One small completion of {@code model} through the target's gateway (200 while it has a Ready endpoint). */
  static Probe<HttpResult> completion(Probes probes, Target target, String model) {
    URI gateway = target.gateway().orElseThrow(() -> new ProbeException("Target '" + target.name()
        + "' has no gateway; configure endpoints.gateway"));
    return probes.http().postJson(gateway.resolve("/v1/completions"),
        "{\"model\":\"" + model + "\",\"prompt\":\"ping\",\"max_tokens\":2,\"stream\":false}");
  }

  /**
   * A target that has just started (the lab at the start of a run) has not been scraped yet, and an
   * absence rule fires on a series that never existed. Waits up to 30 s until {@code countQuery} reads
   * at least 1 and none of {@code alerts} fires; on a long-running Prometheus this returns at once.
   * Never fails: if it does not happen, the steady state (checked next) says what is missing.
   */
  static void awaitScraped(Probes probes, String countQuery, List<String> alerts) {
    PrometheusProbes prometheus = probes.prometheus();
    try {
      await("Prometheus holds " + countQuery + " and " + alerts + " do not fire").atMost(Duration.ofSeconds(30))
          .pollInterval(POLL).until(() -> read(prometheus.instant(countQuery)).orElse(0.0) >= 1
              && alerts.stream().allMatch(a -> read(prometheus.alert(a).state()).orElse(null) != AlertState.FIRING));
    } catch (ConditionTimeoutException e) {
      // Not an outcome of its own: the steady state, checked right after, reports what is missing.
    }
  }

  /** An instant query's single value, 0 when there is no data (for counters that have not counted yet). */
  static double counter(PrometheusProbes prometheus, String promql) {
    return read(prometheus.instant(promql)).orElse(0.0);
  }

  /** A probe's value now; a probe that cannot be asked is a {@link ProbeException} (the engine's ERROR). */
  static <T> Optional<T> read(Probe<T> probe) {
    try {
      return probe.read().value();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ProbeException(probe.name() + " could not be read: " + e.getMessage(), e);
    }
  }
}
