package run.tokenlabs.chaos.scenarios.experiments.support;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.probes.api.AlertState;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.HttpResult;
import run.tokenlabs.chaos.probes.api.Probes;
import run.tokenlabs.chaos.probes.api.PrometheusProbes;

/**
 * The run's gateway as the force-delete experiments see it: a one-request "the gateway serves this
 * model" probe, its Envoy request counters as PromQL, the burn threshold of
 * {@code SLOBurnRateGatewayLayer}, and the bounded wait for a freshly started target to have been
 * scraped.
 */
public final class Gateway {
  /** {@code SLOBurnRateGatewayLayer}'s threshold: 14.4 x the 0.1% budget of the interactive tier. */
  public static final double BURN_THRESHOLD = 14.4 * 0.001;
  /** Envoy's downstream request counters on the data-plane listeners, as the burn rule selects them. */
  private static final String DOWNSTREAM =
      "envoy_http_downstream_rq_xx{envoy_http_conn_manager_prefix=~\"https?-[0-9]+\"";
  private static final Duration POLL = Duration.ofMillis(250);

  private Gateway() {
  }

  /** The gateway's downstream request counter: every class ({@code codeClass} null) or one ("2", "5"). */
  public static String downstream(String codeClass) {
    return DOWNSTREAM + (codeClass == null ? "" : ",envoy_response_code_class=\"" + codeClass + "\"") + "}";
  }

  /** The gateway's 5xx ratio over {@code window} with {@code function} ({@code rate} or {@code increase}). */
  public static String gateway5xxRatio(String function, String window) {
    return "sum(" + function + "(" + downstream("5") + "[" + window + "])) / sum(" + function + "(" + downstream(null)
        + "[" + window + "]))";
  }

  /**
   * How long 5xx at {@code ratePerSecond} take to push the gateway's 1h and 5m 5xx ratios over the burn
   * threshold, given what it served in those windows so far: (threshold x total - 5xx) / (1 - threshold)
   * more 5xx are needed.
   */
  public static Duration burnAccumulation(PrometheusProbes prometheus, double ratePerSecond) {
    double needed = 0;
    for (String window : List.of("1h", "5m")) {
      double total = counter(prometheus, "sum(increase(" + downstream(null) + "[" + window + "]))");
      double errors = counter(prometheus, "sum(increase(" + downstream("5") + "[" + window + "]))");
      needed = Math.max(needed, (BURN_THRESHOLD * total - errors) / (1 - BURN_THRESHOLD));
    }
    return Duration.ofMillis((long) Math.ceil(Math.max(0, needed + 1) / ratePerSecond * 1000));
  }

  /** One small completion of {@code model} through the target's gateway (200 while it has a Ready endpoint). */
  public static Probe<HttpResult> completion(Probes probes, Target target, String model) {
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
  public static void awaitScraped(Probes probes, String countQuery, List<String> alerts) {
    PrometheusProbes prometheus = probes.prometheus();
    Awaiting.reading("Prometheus holds " + countQuery + " and " + alerts + " do not fire",
            () -> counter(prometheus, countQuery) >= 1 && alerts.stream()
                .allMatch(a -> prometheus.alert(a).state().readNow().value().orElse(null) != AlertState.FIRING))
        .atMost(Duration.ofSeconds(30)).pollEvery(POLL)
        .untilOrEmpty(scraped -> scraped);
  }

  /** An instant query's single value, 0 when there is no data (for counters that have not counted yet). */
  public static double counter(PrometheusProbes prometheus, String promql) {
    return prometheus.instant(promql).readNow().value().orElse(0.0);
  }
}
