package run.tokenlabs.chaos.scenarios.lab.faults;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import java.util.List;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.scenarios.lab.LabTarget;

/**
 * The pods a lab fault acts on: the live pods of one model ({@code app=<model>} in the lab's model
 * namespace), named in the engine's {@code ChaosInjected}/{@code ChaosRolledBack} Events so that
 * {@code kubectl describe pod} on the lab shows which of its servers was switched.
 */
final class ModelPods {
  private ModelPods() {
  }

  /** The model's pods on the lab; none on any other target, where the lab fault had no effect. */
  static List<ObjectReference> of(Target target, String model) {
    if (target.unwrap(LabTarget.class).isEmpty()) {
      return List.of();
    }
    return target.kubernetes().pods().inNamespace(SimulatorFaults.MODEL_NAMESPACE).withLabel("app", model).list()
        .getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
            .withNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
            .withUid(p.getMetadata().getUid()).build())
        .toList();
  }
}
