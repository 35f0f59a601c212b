package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.spi.Capability.Availability;
import run.tokenlabs.chaos.probes.api.PodOwners;
import run.tokenlabs.chaos.probes.api.PodOwners.Owner;

/** The force-delete cases decided from the pods' owners (the owner query itself is a probe with its own tests). */
class PodOwnershipTest {
  private final PodOwnership bare = new PodOwnership.Bare("token-labs", "deepseek") { };
  private final PodOwnership managed = new PodOwnership.ControllerManaged("token-labs", "deepseek") { };

  @Test
  @DisplayName("a pod without owner references: the bare case applies, the managed one does not")
  void barePod() {
    List<PodOwners> pods = List.of(pod("deepseek-0"));

    assertThat(bare.availability(pods)).isEqualTo(Availability.present("pod deepseek-0 has no ownerReferences"));
    assertThat(managed.availability(pods)).isEqualTo(Availability.absent("pod deepseek-0 has no controller: "
        + "nothing recreates it; the bare-pod case covers it"));
  }

  @Test
  @DisplayName("a pod whose ReplicaSet is its controller: the managed case applies, the bare one does not")
  void managedPod() {
    List<PodOwners> pods = List.of(pod("deepseek-7d9f-abcde", new Owner("ReplicaSet", "deepseek-7d9f", true)));

    assertThat(managed.availability(pods))
        .isEqualTo(Availability.present("pods [deepseek-7d9f-abcde (owned by ReplicaSet)]"));
    assertThat(bare.availability(pods)).isEqualTo(Availability.absent("pod deepseek-7d9f-abcde is owned by "
        + "ReplicaSet deepseek-7d9f: the bare-pod case does not apply; the Deployment case covers it"));
  }

  @Test
  @DisplayName("one bare pod among managed ones rules the managed case out; an owner that is no controller too")
  void mixedAndNonControllingOwners() {
    Owner replicaSet = new Owner("ReplicaSet", "deepseek-7d9f", true);

    assertThat(managed.availability(List.of(pod("deepseek-a", replicaSet), pod("deepseek-b"))).reason())
        .startsWith("pod deepseek-b has no controller");
    List<PodOwners> notControlled = List.of(pod("deepseek-0", new Owner("ConfigMap", "deepseek-config", false)));
    assertThat(bare.availability(notControlled).present()).isFalse();
    assertThat(managed.availability(notControlled).present()).isFalse();
  }

  @Test
  @DisplayName("no pod of the model: neither case applies, and the reason names the selector and namespace")
  void noPod() {
    assertThat(bare.availability(List.of()))
        .isEqualTo(Availability.absent("no pod matches app=deepseek in namespace token-labs"));
    assertThat(managed.availability(List.of()).present()).isFalse();
    assertThat(managed.name()).isEqualTo("controller-managed deepseek pod");
    assertThat(bare.name()).isEqualTo("bare deepseek pod");
  }

  private static PodOwners pod(String name, Owner... owners) {
    return new PodOwners("token-labs", name, List.of(owners));
  }
}
