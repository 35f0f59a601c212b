package run.tokenlabs.chaos.engine.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.impl.KubernetesClientImpl;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.TraceBackendEndpoint;

/**
 * The target a run hands to experiments, faults and rollbacks: the provider's target, with a
 * Kubernetes client that goes through the engine's {@link BlastRadiusGuard}. The engine wraps every
 * target, the lab's included, so no provider and no fault can opt out of the blast radius.
 *
 * <p>The guarded client shares the provider client's connections and keeps its interceptors (the
 * response bound, the lab's call recorder); the provider's own client is used unguarded only to read
 * namespace labels.
 */
public final class GuardedTarget implements Target {
  private final Target delegate;
  private final List<String> allowedNamespaces;
  private final int maxPodsPerRun;
  private final List<String> allowedNodes;
  /** Built on first use: a target may have no Kubernetes API at all (an inference endpoint only). */
  private BlastRadiusGuard guard;
  private KubernetesClient kubernetes;

  private GuardedTarget(Target delegate, List<String> allowedNamespaces, int maxPodsPerRun, List<String> allowedNodes) {
    this.delegate = delegate;
    this.allowedNamespaces = List.copyOf(allowedNamespaces);
    this.maxPodsPerRun = maxPodsPerRun;
    this.allowedNodes = List.copyOf(allowedNodes);
  }

  /**
   * {@code target} behind the blast radius of {@code config} ({@code namespaces.allowed},
   * {@code kubernetes.maxPodsPerRun}, {@code kubernetes.allowedNodes}).
   */
  public static GuardedTarget of(Target target, ChaosConfig config) {
    if (target instanceof GuardedTarget guarded) {
      return guarded;
    }
    return new GuardedTarget(target, config.allowedNamespaces(), config.kubernetes().maxPodsPerRun(),
        config.kubernetes().allowedNodes());
  }

  /** Refusals of this run from index {@code from} on (0: all), oldest first. */
  public synchronized List<KubernetesCallRefusedException> refusalsSince(int from) {
    List<KubernetesCallRefusedException> all = guard == null ? List.of() : guard.refusals();
    return from >= all.size() ? List.of() : all.subList(from, all.size());
  }

  /** How many calls were refused so far: the {@code from} of a later {@link #refusalsSince(int)}. */
  public synchronized int refusalCount() {
    return guard == null ? 0 : guard.refusals().size();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  /** The provider's client behind the engine's {@link BlastRadiusGuard}, sharing its connections. */
  @Override
  public synchronized KubernetesClient kubernetes() {
    if (kubernetes == null) {
      KubernetesClient raw = delegate.kubernetes();
      BlastRadiusGuard built = new BlastRadiusGuard(allowedNamespaces, maxPodsPerRun, allowedNodes, raw);
      HttpClient guarded = raw.getHttpClient().newBuilder()
          .addOrReplaceInterceptor(BlastRadiusGuard.NAME, built).build();
      kubernetes = new KubernetesClientImpl(guarded, raw.getConfiguration());
      guard = built;
    }
    return kubernetes;
  }

  @Override
  public Optional<PrometheusEndpoint> prometheus() {
    return delegate.prometheus();
  }

  @Override
  public Optional<URI> gateway() {
    return delegate.gateway();
  }

  @Override
  public Map<String, URI> models() {
    return delegate.models();
  }

  @Override
  public List<URI> dcgmExporters() {
    return delegate.dcgmExporters();
  }

  @Override
  public Optional<TraceBackendEndpoint> traceBackend() {
    return delegate.traceBackend();
  }

  /**
   * This target, or the provider's extras (the lab handle). The provider's target itself is handed
   * out only to code that names its class (its client is unguarded), never for an interface such as
   * {@link Target} or {@link Record}.
   */
  @Override
  public <T> Optional<T> unwrap(Class<T> type) {
    if (type.isInstance(this)) {
      return Optional.of(type.cast(this));
    }
    Optional<T> extra = delegate.unwrap(type);
    if (extra.isPresent() && extra.get() == delegate && type != delegate.getClass()) {
      return Optional.empty();
    }
    return extra;
  }

  /**
   * Closes the provider's target only. The guarded client is derived from the provider's client and
   * shares its transport (the Vert.x instance): closing it would close the provider's client too,
   * which a provider may still hold (a test's mock cluster serves several runs); the provider's close
   * releases the shared transport.
   */
  @Override
  public void close() {
    delegate.close();
  }
}
