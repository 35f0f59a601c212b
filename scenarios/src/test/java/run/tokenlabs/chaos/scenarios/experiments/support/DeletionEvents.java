package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.probes.api.Awaiting;
import run.tokenlabs.chaos.probes.api.ClusterEvent;
import run.tokenlabs.chaos.probes.api.Probes;

/**
 * What the cluster recorded about a force-delete, read back through the probes' Kubernetes Events
 * for LLMD-3's findings to cite: the kubelet's {@code Killing} and the engine's {@code ChaosInjected}
 * about the deleted pod, and, where a controller owns it, the ReplicaSet's {@code SuccessfulCreate}
 * of the replacement. Events are written asynchronously (the kubelet's after it sees the deletion),
 * so they are awaited, and their absence is an error naming the ones that were seen.
 */
public final class DeletionEvents {
  /** The kubelet stops the deleted pod's container. */
  public static final String KILLING = "Killing";
  /** The engine's record of the fault, about the pod it acted on. */
  public static final String CHAOS_INJECTED = "ChaosInjected";
  /** The ReplicaSet controller created a pod. */
  public static final String SUCCESSFUL_CREATE = "SuccessfulCreate";
  /** The title of the finding {@link #citeBarePod} records. */
  public static final String BARE_POD_EVENTS = "events of the force-deleted pod: Killing and ChaosInjected";
  private static final Duration POLL = Duration.ofMillis(250);
  /** Event times are whole seconds: a window starting at the deletion would miss one stamped in its second. */
  private static final Duration SLACK = Duration.ofSeconds(2);

  private final List<ClusterEvent> events;

  private DeletionEvents(List<ClusterEvent> events) {
    this.events = events;
  }

  /**
   * The namespace's Events since {@code deletedAt}, awaited (at most {@code atMost}) until, for each
   * entry of {@code wanted}, an event of that reason (key) is about an object whose {@code Kind/name}
   * starts with the entry's value ({@code Pod/deepseek-r1-7b}).
   */
  public static DeletionEvents await(Probes probes, String namespace, Instant deletedAt, Map<String, String> wanted,
      Duration atMost) {
    List<ClusterEvent> seen = Awaiting.reading("Events " + wanted + " in " + namespace,
            () -> probes.kubernetes().recentEvents(namespace, Duration.between(deletedAt, Instant.now()).plus(SLACK)))
        .atMost(atMost).pollEvery(POLL)
        .onTimeout("check that the runner may list and create events in " + namespace + " (k8s-rbac/) and what "
            + "'kubectl get events -n " + namespace + "' shows")
        .until(all -> wanted.entrySet().stream().allMatch(w -> all.stream()
            .anyMatch(e -> e.reason().equals(w.getKey()) && e.object().startsWith(w.getValue()))));
    return new DeletionEvents(seen);
  }

  /**
   * Reads the Events about {@code model}'s force-deleted bare pod and records them as evidence and as a
   * finding citing its Killing and ChaosInjected, and whether any ReplicaSet recreated it.
   */
  public static void citeBarePod(Chaos chaos, Probes probes, String namespace, Instant deletedAt, String model) {
    String pod = "Pod/" + model;
    DeletionEvents events = await(probes, namespace, deletedAt, Map.of(KILLING, pod, CHAOS_INJECTED, pod),
        Duration.ofSeconds(15));
    chaos.evidence("Kubernetes Events in " + namespace + " since the force-delete", events.describe());
    chaos.record(new Finding(BARE_POD_EVENTS, "The cluster's own record tells the outage: '" + events.first(KILLING, pod)
        + "' (the kubelet stopped the container) and '" + events.first(CHAOS_INJECTED, pod) + "' (the fault, written "
        + "by the engine); " + (events.replacementCreated(model)
            ? "a ReplicaSet created a new " + model + " pod meanwhile, unlike the reference run"
            : "no SuccessfulCreate follows for a " + model + " pod: nothing owns it, so nothing recreates it"),
        events.describe()));
  }

  /** The first event of {@code reason} about an object starting with {@code objectPrefix}. */
  public ClusterEvent first(String reason, String objectPrefix) {
    return events.stream().filter(e -> e.reason().equals(reason) && e.object().startsWith(objectPrefix)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + reason + " event about " + objectPrefix + "*; seen: "
            + describe()));
  }

  /** Whether a ReplicaSet recorded creating a pod whose name starts with {@code podPrefix}. */
  public boolean replacementCreated(String podPrefix) {
    return events.stream().anyMatch(e -> e.reason().equals(SUCCESSFUL_CREATE) && e.object().startsWith("ReplicaSet/")
        && e.message().startsWith("Created pod: " + podPrefix));
  }

  /** Every event, one a line, for evidence. */
  public String describe() {
    return events.isEmpty() ? "no events" : events.stream().map(ClusterEvent::toString)
        .collect(Collectors.joining("\n"));
  }
}
