package run.tokenlabs.chaos.probes.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who owns a pod, from its {@code ownerReferences}: whether something recreates it when it is
 * deleted. A pod with no owner is <em>bare</em>, and a force-deleted bare pod stays gone; a pod
 * whose owner is its <em>controller</em> (a ReplicaSet, a StatefulSet, a Job) is replaced.
 *
 * @param namespace the pod's namespace
 * @param pod the pod's name
 * @param owners its owner references, in the order the API lists them
 */
public record PodOwners(String namespace, String pod, List<Owner> owners) {
  public PodOwners {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(pod, "pod");
    owners = List.copyOf(owners);
  }

  /** No owner reference at all. */
  public boolean bare() {
    return owners.isEmpty();
  }

  /** The owner marked {@code controller: true}, which recreates the pod; empty when none is. */
  public Optional<Owner> controller() {
    return owners.stream().filter(Owner::controller).findFirst();
  }

  /** {@code token-labs/llama-3-1-8b-7d9f-abcde owned by [ReplicaSet/llama-3-1-8b-7d9f (controller)]}. */
  @Override
  public String toString() {
    return namespace + "/" + pod + (bare() ? " has no owner" : " owned by " + owners);
  }

  /**
   * One owner reference.
   *
   * @param kind e.g. {@code ReplicaSet}
   * @param name the owner's name
   * @param controller whether it is the pod's managing controller
   */
  public record Owner(String kind, String name, boolean controller) {
    @Override
    public String toString() {
      return kind + "/" + name + (controller ? " (controller)" : "");
    }
  }
}
