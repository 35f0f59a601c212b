package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.PrometheusEndpoint;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Capability.Availability;

/** The force-delete cases decided from the pods' owner references, against fabric8's mock API server. */
@EnableKubernetesMockClient(crud = true)
class PodOwnershipTest {
  static KubernetesClient client;

  static final class BareDeepSeek extends PodOwnership.Bare {
    BareDeepSeek() {
      super("token-labs", "deepseek");
    }
  }

  static final class ManagedDeepSeek extends PodOwnership.ControllerManaged {
    ManagedDeepSeek() {
      super("token-labs", "deepseek");
    }
  }

  @BeforeEach
  void noPods() {
    client.pods().inNamespace("token-labs").delete();
  }

  @Test
  @DisplayName("a pod without owner references: the bare case applies, the managed one does not")
  void barePod() {
    create("deepseek-0", null, false);

    assertThat(new BareDeepSeek().check(target())).isEqualTo(Availability.present("pod deepseek-0 has no ownerReferences"));
    assertThat(new ManagedDeepSeek().check(target())).isEqualTo(Availability.absent("pod deepseek-0 has no controller: "
        + "nothing recreates it; the bare-pod case covers it"));
  }

  @Test
  @DisplayName("a pod whose ReplicaSet is its controller: the managed case applies, the bare one does not")
  void managedPod() {
    create("deepseek-7d9f-abcde", "ReplicaSet", true);

    assertThat(new ManagedDeepSeek().check(target()))
        .isEqualTo(Availability.present("pods [deepseek-7d9f-abcde (owned by ReplicaSet)]"));
    assertThat(new BareDeepSeek().check(target())).isEqualTo(Availability.absent("pod deepseek-7d9f-abcde is owned by "
        + "ReplicaSet deepseek-owner: the bare-pod case does not apply; the Deployment case covers it"));
  }

  @Test
  @DisplayName("an owner that is not the controller recreates nothing: neither case applies; no pod at all: neither")
  void ownerWithoutControllerAndNoPod() {
    assertThat(new BareDeepSeek().check(target()))
        .isEqualTo(Availability.absent("no pod matches app=deepseek in namespace token-labs"));
    create("deepseek-0", "ConfigMap", false);

    assertThat(new BareDeepSeek().check(target()).present()).isFalse();
    assertThat(new ManagedDeepSeek().check(target()).present()).isFalse();
    assertThat(new ManagedDeepSeek().name()).isEqualTo("controller-managed deepseek pod");
  }

  private static void create(String name, String ownerKind, boolean controller) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace("token-labs")
        .addToLabels("app", "deepseek").endMetadata();
    if (ownerKind != null) {
      pod.editMetadata().addNewOwnerReference().withKind(ownerKind).withName("deepseek-owner").withApiVersion("v1")
          .withUid("uid-owner").withController(controller).endOwnerReference().endMetadata();
    }
    client.pods().inNamespace("token-labs").resource(pod.build()).create();
  }

  private static Target target() {
    return new Target() {
      @Override
      public String name() {
        return "mock";
      }

      @Override
      public KubernetesClient kubernetes() {
        return client;
      }

      @Override
      public Optional<PrometheusEndpoint> prometheus() {
        return Optional.empty();
      }

      @Override
      public Optional<URI> gateway() {
        return Optional.empty();
      }

      @Override
      public Map<String, URI> models() {
        return Map.of();
      }

      @Override
      public List<URI> dcgmExporters() {
        return List.of();
      }

      @Override
      public void close() {
      }
    };
  }
}
