package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.util.Objects;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.probes.prometheus.PrometheusClients;
import run.tokenlabs.chaos.probes.traces.TraceBackends;

/**
 * The entry point to every probe of a run's {@link Target}: Prometheus, Kubernetes, DCGM, direct
 * vLLM sampling, HTTP. Injected into experiment methods by the engine (see
 * {@code ProbesParameterSupplier}), or built with {@link #from(Target, Duration)}.
 *
 * <pre>{@code
 * probes.prometheus().instant("gateway:error_ratio:rate1m").is(atMost(0.001))
 * probes.kubernetes().readyPods("token-labs", "app=deepseek-r1-7b").is(atLeast(1))
 * probes.prometheus().alert("TokenLabsPodAbsent").shouldFireWithin(Duration.ofSeconds(90))
 * }</pre>
 *
 * <p>Clients are built on first use and shared; the target owns the Kubernetes client.
 */
public final class Probes {
  /** The probe timeout when none is configured. */
  public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(10);

  private final Target target;
  private final Duration probeTimeout;
  private volatile PrometheusProbes prometheus;

  private Probes(Target target, Duration probeTimeout) {
    this.target = Objects.requireNonNull(target, "target");
    this.probeTimeout = Objects.requireNonNull(probeTimeout, "probeTimeout");
  }

  /** Probes of a target with the default probe timeout. */
  public static Probes from(Target target) {
    return new Probes(target, DEFAULT_PROBE_TIMEOUT);
  }

  /** Probes of a target; a question that takes longer than {@code probeTimeout} is an ERROR. */
  public static Probes from(Target target, Duration probeTimeout) {
    return new Probes(target, probeTimeout);
  }

  /** The target the probes ask. */
  public Target target() {
    return target;
  }

  /** The time one probe reading may take, retries included. */
  public Duration probeTimeout() {
    return probeTimeout;
  }

  /**
   * Prometheus probes.
   *
   * @throws ProbeException when the target has no Prometheus (configure {@code prometheus.url})
   */
  public PrometheusProbes prometheus() {
    PrometheusProbes current = prometheus;
    if (current == null) {
      synchronized (this) {
        if (prometheus == null) {
          prometheus = PrometheusProbes.using(PrometheusClients.connect(target.prometheus().orElseThrow(() ->
              new ProbeException("Target '" + target.name() + "' has no Prometheus; configure prometheus.url")),
              probeTimeout));
        }
        current = prometheus;
      }
    }
    return current;
  }

  /** Kubernetes probes with the target's client. */
  public KubernetesProbes kubernetes() {
    return new KubernetesProbes(target.kubernetes(), java.time.Clock.systemDefaultZone());
  }

  /** DCGM inventory and fields, straight from the target's exporters or through Prometheus. */
  public DcgmProbes dcgm() {
    return new DcgmProbes(target, probeTimeout, target.prometheus().isPresent() ? this::prometheus : null);
  }

  /** Direct high-frequency sampling of the target's model servers' {@code /metrics}. */
  public VllmProbes vllm() {
    return new VllmProbes(target.models(), probeTimeout);
  }

  /**
   * The target's trace backend (Tempo, Jaeger or Zipkin), asked by trace id.
   *
   * @throws ProbeException when the target has none
   */
  public TraceBackend traces() {
    return TraceBackends.connect(target.traceBackend().orElseThrow(() -> new ProbeException("Target '"
        + target.name() + "' has no trace backend; configure one (its kind and URL) to ask for traces")),
        probeTimeout);
  }

  /** One-request HTTP probes. */
  public HttpProbes http() {
    return new HttpProbes(target.gateway(), probeTimeout);
  }
}
