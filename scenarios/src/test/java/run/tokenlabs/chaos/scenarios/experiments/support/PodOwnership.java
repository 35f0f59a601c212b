package run.tokenlabs.chaos.scenarios.experiments.support;

import java.util.List;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Capability;
import run.tokenlabs.chaos.probes.api.KubernetesProbes;
import run.tokenlabs.chaos.probes.api.PodOwners;

/**
 * The two force-delete cases as capabilities, by who owns a model's pods ({@code app=<model>}): a
 * <em>bare</em> pod, which nothing recreates, and a <em>controller-managed</em> one, which its
 * controller replaces. An experiment subclasses one per model, since {@code @RequiresCapability}
 * names a class with a public no-argument constructor.
 */
public abstract class PodOwnership implements Capability {
  private final String namespace;
  private final String model;

  PodOwnership(String namespace, String model) {
    this.namespace = namespace;
    this.model = model;
  }

  @Override
  public Availability check(Target target) {
    return availability(KubernetesProbes.using(target.kubernetes()).podOwners(namespace, "app=" + model));
  }

  /** The answer for the model's pods as the API listed them. */
  Availability availability(List<PodOwners> pods) {
    return pods.isEmpty() ? Availability.absent("no pod matches app=" + model + " in namespace " + namespace)
        : decide(pods);
  }

  /** The case's answer for the model's pods (at least one). */
  abstract Availability decide(List<PodOwners> pods);

  String model() {
    return model;
  }

  /** Every pod of the model has no owner at all. */
  public abstract static class Bare extends PodOwnership {
    protected Bare(String namespace, String model) {
      super(namespace, model);
    }

    @Override
    public String name() {
      return "bare " + model() + " pod";
    }

    @Override
    Availability decide(List<PodOwners> pods) {
      return pods.stream().filter(p -> !p.bare()).findFirst()
          .map(owned -> Availability.absent("pod " + owned.pod() + " is owned by " + owned.owners().get(0).kind() + " "
              + owned.owners().get(0).name() + ": the bare-pod case does not apply; the Deployment case covers it"))
          .orElseGet(() -> Availability.present("pod " + pods.get(0).pod() + " has no ownerReferences"));
    }
  }

  /** Every pod of the model has a controller (e.g. the ReplicaSet of a Deployment) that recreates it. */
  public abstract static class ControllerManaged extends PodOwnership {
    protected ControllerManaged(String namespace, String model) {
      super(namespace, model);
    }

    @Override
    public String name() {
      return "controller-managed " + model() + " pod";
    }

    @Override
    Availability decide(List<PodOwners> pods) {
      return pods.stream().filter(p -> p.controller().isEmpty()).findFirst()
          .map(bare -> Availability.absent("pod " + bare.pod() + " has no controller: nothing recreates it; the "
              + "bare-pod case covers it"))
          .orElseGet(() -> Availability.present("pods " + pods.stream().map(p -> p.pod() + " (owned by "
              + p.owners().get(0).kind() + ")").toList()));
    }
  }
}
