package run.tokenlabs.chaos.probes.api;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;

/**
 * Kubernetes probes through the target's fabric8 client: readiness, endpoints, pod owners, the
 * controller audit, time to recover and recent events. A failing API call is a {@link ProbeException}.
 *
 * <p>Selectors are label selectors as {@code kubectl -l} takes them ({@code app=x,tier!=y}).
 */
public final class KubernetesProbes {
  private final KubernetesClient client;
  private final Clock clock;
  private final Duration pollInterval;

  KubernetesProbes(KubernetesClient client, Clock clock) {
    this(client, clock, Duration.ofMillis(500));
  }

  private KubernetesProbes(KubernetesClient client, Clock clock, Duration pollInterval) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = clock;
    this.pollInterval = pollInterval;
  }

  /** Probes over any fabric8 client (the target's, or a test's). */
  public static KubernetesProbes using(KubernetesClient client) {
    return new KubernetesProbes(client, Clock.systemDefaultZone());
  }

  /** A copy that polls at {@code interval} while awaiting. */
  public KubernetesProbes pollingEvery(Duration interval) {
    return new KubernetesProbes(client, clock, interval);
  }

  /** How many pods of the selector are Ready and not being deleted. */
  public Probe<Integer> readyPods(String namespace, String selector) {
    return Probe.of("ready pods " + namespace + "/" + selector, () -> Reading.of(countReady(namespace, selector)));
  }

  /**
   * How many ready addresses the Service's Endpoints have (not-ready addresses excluded); no data
   * when the Service has no Endpoints object at all.
   */
  public Probe<Integer> readyEndpointAddresses(String namespace, String service) {
    return Probe.of("ready endpoint addresses " + namespace + "/" + service, () -> {
      Endpoints endpoints = call("get Endpoints " + namespace + "/" + service,
          () -> client.endpoints().inNamespace(namespace).withName(service).get());
      if (endpoints == null) {
        return Reading.noData("no Endpoints object for Service " + namespace + "/" + service);
      }
      int ready = 0;
      for (EndpointSubset subset : endpoints.getSubsets()) {
        ready += subset.getAddresses() == null ? 0 : subset.getAddresses().size();
      }
      return Reading.of(ready);
    });
  }

  /** The controller audit of every pod in a namespace. */
  public List<ControllerFinding> controllerAudit(String namespace) {
    return audit(namespace, pods(namespace, null));
  }

  /** The controller audit of the pods of a selector. */
  public List<ControllerFinding> controllerAudit(String namespace, String selector) {
    return audit(namespace, pods(namespace, selector));
  }

  /** The audit as a probe, e.g. {@code .is(satisfies("no bare pods", List::isEmpty))}. */
  public Probe<List<ControllerFinding>> controllerFindings(String namespace, String selector) {
    return Probe.of("controller audit " + namespace + "/" + selector,
        () -> Reading.of(controllerAudit(namespace, selector)));
  }

  /**
   * Who owns each pod of the selector (pods being deleted included): the question a force-delete
   * experiment asks before it starts, "does something recreate this pod?".
   */
  public List<PodOwners> podOwners(String namespace, String selector) {
    return pods(namespace, selector).stream().map(p -> new PodOwners(namespace, p.getMetadata().getName(), owners(p)))
        .toList();
  }

  /**
   * Waits until at least {@code minReady} pods of the selector are Ready (pods being deleted do not
   * count) and says how long that took since {@code since} (typically the deletion).
   *
   * @throws AssertionError when they were not Ready in time, with the counts seen
   */
  public Duration awaitReady(String namespace, String selector, int minReady, Instant since, Duration atMost) {
    Progression progression = new Progression(clock);
    try {
      await("pods " + namespace + "/" + selector + " Ready again").atMost(atMost).pollDelay(Duration.ZERO)
          .pollInterval(Polling.interval(pollInterval, atMost))
          .until(() -> {
            int ready = countReady(namespace, selector);
            progression.observe(ready + " ready", "");
            return ready >= minReady;
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Pods " + namespace + "/" + selector + " were not Ready again within "
          + Progression.human(atMost) + " (need " + minReady + "); seen: " + progression
          + "; a bare pod (no controller) is never recreated: check controllerAudit");
    }
    return Duration.between(since, clock.instant());
  }

  /** Events of a namespace newer than {@code within}, oldest first. */
  public List<ClusterEvent> recentEvents(String namespace, Duration within) {
    return recentEvents(namespace, within, event -> true);
  }

  /**
   * Events about one object ({@code kind} as in its manifest, e.g. {@code Pod}, {@code ReplicaSet})
   * newer than {@code within}, oldest first: what the cluster recorded about it (Killing,
   * SuccessfulCreate, BackOff), for a finding to cite.
   */
  public List<ClusterEvent> recentEvents(String namespace, String kind, String name, Duration within) {
    // Filtered here rather than by a field selector: some API servers (fabric8's mock) ignore or
    // mismatch involvedObject selectors, and a namespace's events are few.
    return recentEvents(namespace, within, event -> event.getInvolvedObject() != null
        && kind.equals(event.getInvolvedObject().getKind()) && name.equals(event.getInvolvedObject().getName()));
  }

  private List<ClusterEvent> recentEvents(String namespace, Duration within, Predicate<Event> about) {
    Instant cutoff = clock.instant().minus(within);
    List<Event> events = call("list Events in " + namespace,
        () -> client.v1().events().inNamespace(namespace).list().getItems());
    List<ClusterEvent> recent = new ArrayList<>();
    for (Event event : events) {
      Instant time = eventTime(event);
      if (time != null && !time.isBefore(cutoff) && about.test(event)) {
        recent.add(new ClusterEvent(time, orEmpty(event.getType()), orEmpty(event.getReason()),
            event.getInvolvedObject() == null ? "" : event.getInvolvedObject().getKind() + "/"
                + event.getInvolvedObject().getName(),
            orEmpty(event.getMessage()), event.getCount() == null ? 1 : event.getCount()));
      }
    }
    recent.sort(Comparator.comparing(ClusterEvent::time));
    return recent;
  }

  private int countReady(String namespace, String selector) {
    return (int) pods(namespace, selector).stream().filter(KubernetesProbes::isReady).count();
  }

  private List<Pod> pods(String namespace, String selector) {
    return call("list pods " + namespace + (selector == null ? "" : " -l " + selector), () -> selector == null
        ? client.pods().inNamespace(namespace).list().getItems()
        : client.pods().inNamespace(namespace).withLabelSelector(selector).list().getItems());
  }

  private static List<PodOwners.Owner> owners(Pod pod) {
    List<OwnerReference> references = pod.getMetadata().getOwnerReferences();
    return references == null ? List.of() : references.stream()
        .map(o -> new PodOwners.Owner(o.getKind(), o.getName(), Boolean.TRUE.equals(o.getController()))).toList();
  }

  static boolean isReady(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null
        || pod.getStatus().getConditions() == null) {
      return false;
    }
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static List<ControllerFinding> audit(String namespace, List<Pod> pods) {
    List<ControllerFinding> findings = new ArrayList<>();
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      String restartPolicy = pod.getSpec() == null ? null : pod.getSpec().getRestartPolicy();
      String owners = pod.getMetadata().getOwnerReferences() == null ? "[]"
          : pod.getMetadata().getOwnerReferences().stream().map(o -> o.getKind() + "/" + o.getName()).toList().toString();
      String evidence = "ownerReferences: " + owners + ", restartPolicy: " + (restartPolicy == null ? "Always" : restartPolicy)
          + ", node: " + (pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "-" : pod.getSpec().getNodeName());
      if (owners.equals("[]")) {
        findings.add(new ControllerFinding(namespace, name, ControllerFinding.Kind.NO_CONTROLLER, evidence));
      }
      if ("Never".equals(restartPolicy)) {
        findings.add(new ControllerFinding(namespace, name, ControllerFinding.Kind.RESTART_POLICY_NEVER, evidence));
      }
    }
    return findings;
  }

  private static Instant eventTime(Event event) {
    String text = event.getLastTimestamp() != null ? event.getLastTimestamp()
        : event.getEventTime() != null && event.getEventTime().getTime() != null ? event.getEventTime().getTime()
        : event.getMetadata() == null ? null : event.getMetadata().getCreationTimestamp();
    return text == null ? null : OffsetDateTime.parse(text).toInstant();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static <T> T call(String what, Callable<T> call) {
    try {
      return call.call();
    } catch (KubernetesClientException e) {
      throw new ProbeException("Kubernetes API could not " + what + ": HTTP " + e.getCode() + " " + e.getMessage()
          + "; check the kube context and the ServiceAccount's RBAC", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ProbeException("Kubernetes API could not " + what + ": " + e, e);
    }
  }
}
