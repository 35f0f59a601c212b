package run.tokenlabs.chaos.faults;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apiguardian.api.API;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.TargetActions;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * A network, HTTP or pod fault that Chaos Mesh injects: the fault creates one Chaos Mesh custom
 * resource ({@code NetworkChaos}, {@code HTTPChaos} or {@code PodChaos} in {@code chaos-mesh.org/v1alpha1})
 * and its rollback ({@link DeleteChaos}) deletes it and waits until Chaos Mesh reports recovery.
 * Build one with the factories of {@link Faults}; it is immutable, and each option returns a new fault.
 *
 * <p>Bounded three ways: the resource lives in the fault's namespace and selects pods of that
 * namespace only; its {@code mode} is {@code one}, or {@code fixed} with {@link #onPods(int)};
 * its {@code duration} ({@link #lastingAtMost(Duration)}, two minutes unless set) makes Chaos Mesh
 * recover by itself should the runner die before its rollback. In a dry run the resource is printed
 * as YAML and not created.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ChaosMeshFault implements Fault<ChaosMeshFault.DeleteChaos> {
  static final Duration DEFAULT_DURATION = Duration.ofMinutes(2);
  static final Duration MAX_DURATION = Duration.ofHours(1);
  private static final Duration POLL = Duration.ofMillis(250);

  /** Which way a {@code NetworkChaos} disturbs packets, seen from the selected pods towards the target pods. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public enum Direction { TO, FROM, BOTH }

  private final ChaosKind kind;
  private final String namespace;
  private final LabelSelectors.Selector selector;
  private final LabelSelectors.Selector peers;
  private final Direction direction;
  private final Map<String, Object> action;
  private final String what;
  private final int pods;
  private final Duration duration;
  private volatile GenericKubernetesResource prepared;

  private ChaosMeshFault(ChaosKind kind, String namespace, LabelSelectors.Selector selector,
      LabelSelectors.Selector peers, Direction direction, Map<String, Object> action, String what, int pods,
      Duration duration) {
    this.kind = kind;
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.selector = selector;
    this.peers = peers;
    this.direction = direction;
    this.action = Map.copyOf(action);
    this.what = what;
    this.pods = pods;
    this.duration = duration;
    ChaosMeshManifest.labelMap(selector);
    if (peers != null) {
      ChaosMeshManifest.labelMap(peers);
    }
  }

  /** A fault of {@code kind} on one pod matching {@code selector}, for the default duration. */
  static ChaosMeshFault of(ChaosKind kind, String namespace, String selector, String peerSelector,
      Map<String, Object> action, String what) {
    return new ChaosMeshFault(kind, namespace, LabelSelectors.parse(Objects.requireNonNull(selector, "selector")),
        peerSelector == null ? null : LabelSelectors.parse(peerSelector), kind == ChaosKind.NETWORK ? Direction.TO : null,
        action, what, 1, DEFAULT_DURATION);
  }

  /**
   * This fault on {@code count} matching pods ({@code mode: fixed}) instead of one ({@code mode: one}).
   * A {@code PodChaos} counts them against {@code kubernetes.maxPodsPerRun}.
   */
  public ChaosMeshFault onPods(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("onPods(" + count + "): a Chaos Mesh fault hits at least one pod; "
          + "pass 1 or more");
    }
    return new ChaosMeshFault(kind, namespace, selector, peers, direction, action, what, count, duration);
  }

  /**
   * The resource's {@code duration}: Chaos Mesh recovers the fault by itself once it has run this
   * long, even if the rollback never comes (the runner was killed). At most one hour.
   */
  public ChaosMeshFault lastingAtMost(Duration limit) {
    Objects.requireNonNull(limit, "limit");
    if (limit.toMillis() < 1 || limit.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("lastingAtMost(" + limit + "): the duration must be between 1 ms and "
          + MAX_DURATION.toMinutes() + " min, so that Chaos Mesh always ends the fault by itself; pass a shorter one");
    }
    return new ChaosMeshFault(kind, namespace, selector, peers, direction, action, what, pods, limit);
  }

  /** Which way a network fault acts ({@code to} unless set). Only for network faults. */
  public ChaosMeshFault direction(Direction value) {
    if (kind != ChaosKind.NETWORK) {
      throw new IllegalStateException("direction(" + value + ") applies to network faults only, and this is a "
          + kind.kind + "; leave it out");
    }
    return new ChaosMeshFault(kind, namespace, selector, peers, Objects.requireNonNull(value, "value"), action,
        what, pods, duration);
  }

  @Override
  public String description() {
    GenericKubernetesResource cr = prepared;
    String peer = peers == null ? "" : " " + direction.name().toLowerCase(Locale.ROOT) + " pods " + peers.text();
    peer = peer.isEmpty() && kind == ChaosKind.NETWORK ? " (all their traffic)" : peer;
    return kind.kind + " " + what + " on " + (pods == 1 ? "one pod" : pods + " pods") + " matching " + selector.text()
        + peer + " in " + namespace + " for at most " + ChaosMeshManifest.goDuration(duration)
        + (cr == null ? "" : " (" + namespace + "/" + cr.getMetadata().getName() + ")");
  }

  @Override
  public Set<String> namespaces() {
    return Set.of(namespace);
  }

  /** The resource, named afresh; under dry run it is announced as YAML and the experiment stops here. */
  @Override
  public DeleteChaos prepare(Target target) {
    List<String> matched = ForceDeletePodFault.matching(target.kubernetes(), namespace, selector).stream()
        .map(p -> p.getMetadata().getName()).sorted().toList();
    if (matched.isEmpty()) {
      throw new IllegalStateException("no pod matches '" + selector.text() + "' in namespace '" + namespace
          + "', so the " + kind.kind + " would select nothing; check the selector with 'kubectl get pods -n "
          + namespace + " -l " + selector.text() + "'");
    }
    String name = "tokenlabs-" + kind.plural + "-" + UUID.randomUUID().toString().substring(0, 8);
    GenericKubernetesResource cr = ChaosMeshManifest.build(kind, namespace, name, spec());
    TargetActions.announce("create " + kind.kind + " " + namespace + "/" + name + " (" + what + ", candidates "
        + matched + "):\n" + Serialization.asYaml(cr));
    prepared = cr;
    return new DeleteChaos(namespace, kind.kind, name, what);
  }

  @Override
  public void act(Target target, DeleteChaos rollback) {
    GenericKubernetesResource cr = prepared;
    if (cr == null || !cr.getMetadata().getName().equals(rollback.name())) {
      throw new IllegalStateException("act() got the rollback of " + rollback.name() + ", not of the resource this "
          + "fault prepared; call prepare() first and pass what it returned");
    }
    kind.on(target.kubernetes()).inNamespace(namespace).resource(cr).create();
  }

  Map<String, Object> spec() {
    Map<String, Object> spec = new LinkedHashMap<>(ChaosMeshManifest.scope(namespace, selector, pods));
    spec.putAll(new TreeMap<>(action));
    if (kind == ChaosKind.NETWORK) {
      spec.put("direction", direction.name().toLowerCase(Locale.ROOT));
    }
    if (peers != null) {
      spec.put("target", ChaosMeshManifest.scope(namespace, peers, pods));
    }
    spec.put("duration", ChaosMeshManifest.goDuration(duration));
    return spec;
  }

  /**
   * The undo of a Chaos Mesh fault: delete the resource, then wait until Chaos Mesh has recovered its
   * targets. Chaos Mesh keeps a deleted resource (its finalizer) until it has recovered every target,
   * so the wait ends when the resource is gone, or when its status says {@code AllRecovered}.
   * Idempotent: a resource already gone is recovered.
   *
   * @param namespace the resource's namespace
   * @param kind {@code NetworkChaos}, {@code HTTPChaos} or {@code PodChaos}
   * @param name the resource's name
   * @param what the fault, as described when it was injected
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record DeleteChaos(String namespace, String kind, String name, String what) implements Rollback {

    @Override
    public String description() {
      return "delete " + kind + " " + namespace + "/" + name + " (" + what + ") and wait until Chaos Mesh has "
          + "recovered its targets";
    }

    @Override
    public Set<String> namespaces() {
      return Set.of(namespace);
    }

    /** The resource itself: the engine's Events sit beside Chaos Mesh's own on it. */
    @Override
    public List<ObjectReference> involvedObjects(Target target) {
      return List.of(new ObjectReferenceBuilder().withApiVersion(ChaosKind.API_VERSION).withKind(kind)
          .withNamespace(namespace).withName(name).build());
    }

    @Override
    public void undo(Target target, Duration timeout) {
      Resource<GenericKubernetesResource> resource = resource(target.kubernetes());
      resource.delete();
      String[] seen = {"not read yet"};
      try {
        Awaitility.await("Chaos Mesh to recover " + kind + " " + namespace + "/" + name)
            .atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
            .until(() -> {
              GenericKubernetesResource left = resource.get();
              if (left == null) {
                return true;
              }
              ChaosMeshStatus status = ChaosMeshStatus.of(left);
              seen[0] = status.seen();
              return status.recovered();
            });
      } catch (ConditionTimeoutException e) {
        throw new IllegalStateException(kind + " " + namespace + "/" + name + " was deleted, but Chaos Mesh did not "
            + "report its targets recovered within " + timeout.toSeconds() + " s (last status: " + seen[0] + "); check "
            + "'kubectl describe " + kind.toLowerCase(Locale.ROOT) + " -n " + namespace + " " + name + "' and the "
            + "chaos-controller-manager logs", e);
      }
    }

    /** The resource; a record naming a kind the engine never creates is refused, so an edit cannot aim it elsewhere. */
    private Resource<GenericKubernetesResource> resource(KubernetesClient client) {
      ChaosKind known = ChaosKind.named(kind).orElseThrow(() -> new IllegalStateException("Refused to delete '"
          + kind + " " + namespace + "/" + name + "': the engine "
            + "creates only NetworkChaos, HTTPChaos and PodChaos; nothing was deleted. Delete it by hand if it is yours"));
      return known.on(client).inNamespace(namespace).withName(name);
    }
  }
}
