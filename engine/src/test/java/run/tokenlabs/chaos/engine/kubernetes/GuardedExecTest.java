package run.tokenlabs.chaos.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.SafetyLabels;
import run.tokenlabs.chaos.engine.config.ConfigLoader;
import run.tokenlabs.chaos.engine.testing.ExecRecordingDispatcher;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;
import run.tokenlabs.chaos.faults.Faults;
import run.tokenlabs.chaos.faults.GpuXidFault;
import run.tokenlabs.chaos.engine.testing.MockApiServers;

/** The XID fault's exec goes through the blast radius: only into an allowed, labelled namespace. */
class GuardedExecTest {
  private final ExecRecordingDispatcher dispatcher = new ExecRecordingDispatcher();
  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void setUp() {
    server = MockApiServers.start(dispatcher);
    client = server.createClient();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("gpu-operator").endMetadata()
        .build()).create();
    client.pods().inNamespace("gpu-operator").resource(new PodBuilder().withNewMetadata()
        .withName("nvidia-dcgm-exporter-abcde").addToLabels("app", "nvidia-dcgm-exporter").endMetadata()
        .withNewSpec().withNodeName("spark-1").addNewContainer().withName("nvidia-dcgm-exporter").endContainer()
        .endSpec().withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True")
        .endCondition().endStatus().build()).create();
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.destroy();
  }

  @Test
  @DisplayName("exec into the DCGM pod is refused while gpu-operator is not allowed, then while it is not labelled; "
      + "allowed and labelled, it is sent")
  void execNeedsAnAllowedLabelledNamespace() throws Exception {
    GpuXidFault fault = Faults.gpuXid("gpu-operator", "app=nvidia-dcgm-exporter", "spark-1", 0, 79);

    GuardedTarget onlyTokenLabs = guarded("token-labs");
    GpuXidFault.ResetXid rollback = fault.prepare(onlyTokenLabs);
    assertThatThrownBy(() -> fault.act(onlyTokenLabs, rollback))
        .hasStackTraceContaining("not in namespaces.allowed [token-labs]");

    GuardedTarget gpuAllowed = guarded("token-labs,gpu-operator");
    assertThatThrownBy(() -> fault.act(gpuAllowed, rollback))
        .hasStackTraceContaining("namespace 'gpu-operator' is not labelled for chaos now");
    assertThat(dispatcher.execs).isEmpty();

    client.namespaces().withName("gpu-operator").edit(n -> new NamespaceBuilder(n).editMetadata()
        .addToLabels(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE).endMetadata().build());
    fault.act(gpuAllowed, rollback);
    assertThat(dispatcher.execs).hasSize(1);
  }

  private GuardedTarget guarded(String allowed) {
    Map<String, String> props = Map.of("tokenlabs.chaos.namespaces.allowed", allowed);
    return GuardedTarget.of(new KubeOnlyTarget("mock", client, () -> { }),
        ConfigLoader.load(k -> Optional.ofNullable(props.get(k))));
  }
}
