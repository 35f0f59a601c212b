package run.tokenlabs.chaos.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;
import run.tokenlabs.chaos.engine.testing.ExecRecordingDispatcher;
import run.tokenlabs.chaos.engine.testing.ExecRecordingDispatcher.Exec;
import run.tokenlabs.chaos.faults.GpuXidFault.ResetXid;
import run.tokenlabs.chaos.engine.testing.MockApiServers;

/** The XID injection and its reset against the CRUD mock, whose pods/exec answers as the API server's. */
class GpuXidFaultTest {
  private static final String NS = "gpu-operator";
  private static final String SELECTOR = "app=nvidia-dcgm-exporter";
  private final ExecRecordingDispatcher dispatcher = new ExecRecordingDispatcher();
  private KubernetesMockServer server;
  private KubernetesClient client;
  private Target target;

  @BeforeEach
  void setUp() {
    server = MockApiServers.start(dispatcher);
    client = server.createClient();
    target = new KubeOnlyTarget("exec-mock", client, () -> { });
    dcgmPod("nvidia-dcgm-exporter-abcde", "spark-1", true);
    dcgmPod("nvidia-dcgm-exporter-fghij", "spark-2", true);
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.destroy();
  }

  @Test
  @DisplayName("XID 79 is written into field 230 of the GPU by exec of dcgmi in the DCGM pod on its node")
  void injectsThroughTheDcgmPodOfTheNode() throws Exception {
    GpuXidFault fault = Faults.gpuXid(NS, SELECTOR, "spark-2", 0, 79);

    ResetXid rollback = fault.prepare(target);
    assertThat(dispatcher.execs).as("prepare only reads").isEmpty();
    fault.act(target, rollback);

    assertThat(dispatcher.execs).containsExactly(new Exec(NS, "nvidia-dcgm-exporter-fghij", "nvidia-dcgm-exporter",
        List.of("dcgmi", "test", "--inject", "--gpuid", "0", "-f", "230", "-v", "79")));
  }

  @Test
  @DisplayName("The rollback writes 0 into the same field of the same GPU, and may run twice")
  void rollbackResetsTheField() throws Exception {
    GpuXidFault fault = Faults.gpuXid(NS, SELECTOR, "spark-1", 1, 48);
    ResetXid rollback = fault.prepare(target);
    fault.act(target, rollback);

    rollback.undo(target, Duration.ofSeconds(10));
    rollback.undo(target, Duration.ofSeconds(10));

    List<String> reset = List.of("dcgmi", "test", "--inject", "--gpuid", "1", "-f", "230", "-v", "0");
    assertThat(dispatcher.execs).extracting(Exec::command).containsExactly(
        List.of("dcgmi", "test", "--inject", "--gpuid", "1", "-f", "230", "-v", "48"), reset, reset);
    assertThat(dispatcher.execs).extracting(Exec::pod).containsOnly("nvidia-dcgm-exporter-abcde");
    assertThat(rollback.description()).isEqualTo("reset XID on GPU 1 of node spark-1 by 'kubectl exec -n gpu-operator "
        + "nvidia-dcgm-exporter-abcde -c nvidia-dcgm-exporter -- dcgmi test --inject --gpuid 1 -f 230 -v 0'");
  }

  @Test
  @DisplayName("What a dry run prints: before prepare the target, after it the exact kubectl exec command")
  void descriptionNamesTheCommand() throws Exception {
    GpuXidFault fault = Faults.gpuXid(NS, SELECTOR, "spark-2", 0, 79);
    assertThat(fault.description()).isEqualTo("report XID 79 on GPU 0 of node spark-2 through the DCGM pod matching "
        + "app=nvidia-dcgm-exporter in gpu-operator on spark-2");

    fault.prepare(target);

    assertThat(fault.description()).isEqualTo("report XID 79 on GPU 0 of node spark-2 by 'kubectl exec -n gpu-operator "
        + "nvidia-dcgm-exporter-fghij -c nvidia-dcgm-exporter -- dcgmi test --inject --gpuid 0 -f 230 -v 79'");
    assertThat(dispatcher.execs).isEmpty();
  }

  @Test
  @DisplayName("A dcgmi that exits non-zero fails the fault with the command, its exit code and its output")
  void nonZeroExitFails() throws Exception {
    dispatcher.exitCode = 255;
    GpuXidFault fault = Faults.gpuXid(NS, SELECTOR, "spark-1", 0, 95);
    ResetXid rollback = fault.prepare(target);

    assertThatThrownBy(() -> fault.act(target, rollback))
        .hasMessageContaining("'kubectl exec -n gpu-operator nvidia-dcgm-exporter-abcde -c nvidia-dcgm-exporter -- "
            + "dcgmi test --inject --gpuid 0 -f 230 -v 95' exited with 255 (expected 0): Error: unable to inject.");
  }

  @Test
  @DisplayName("No Ready DCGM pod on the node: prepare fails saying how to look, and nothing is exec'd")
  void noDcgmPodOnTheNode() {
    dcgmPod("nvidia-dcgm-exporter-klmno", "spark-3", false);

    assertThatThrownBy(() -> Faults.gpuXid(NS, SELECTOR, "spark-3", 0, 79).prepare(target))
        .hasMessageContaining("no Ready DCGM pod matching 'app=nvidia-dcgm-exporter' in namespace 'gpu-operator' "
            + "runs on node 'spark-3' (3 match on any node)")
        .hasMessageContaining("kubectl get pods -n gpu-operator -l app=nvidia-dcgm-exporter -o wide");
    assertThat(dispatcher.execs).isEmpty();
  }

  @Test
  @DisplayName("An XID of 0 or less, or a negative GPU id, is refused when the fault is built")
  void invalidArgumentsAreRefused() {
    assertThatThrownBy(() -> Faults.gpuXid(NS, SELECTOR, "spark-1", 0, 0))
        .hasMessageContaining("seen GPU 0, XID 0");
    assertThatThrownBy(() -> Faults.gpuXid(NS, SELECTOR, "spark-1", -1, 79))
        .hasMessageContaining("seen GPU -1, XID 79");
  }

  private void dcgmPod(String name, String node, boolean ready) {
    client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .addToLabels("app", "nvidia-dcgm-exporter").endMetadata().withNewSpec().withNodeName(node)
        .addNewContainer().withName("nvidia-dcgm-exporter").withImage("nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3")
        .endContainer().endSpec().withNewStatus().withPhase("Running").addNewCondition().withType("Ready")
        .withStatus(ready ? "True" : "False").endCondition().endStatus().build()).create();
  }
}
