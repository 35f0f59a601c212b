package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.chaos.ScaleToZero;
import com.example.chaos.ScaleToZero.ScaleBack;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;

/**
 * The README's "Write your own fault" example is {@code com.example.chaos.ScaleToZero}, character for
 * character, and it works: against fabric8's mock API server in CRUD mode, through the
 * pending-rollback file, as the next run after a crash would read it.
 */
@EnableKubernetesMockClient(crud = true)
class FaultExampleTest {
  private static final String EXAMPLE_PATH = "engine/src/test/java/com/example/chaos/ScaleToZero.java";
  private static final Pattern EXAMPLE = Pattern.compile(
      "<!-- example: " + Pattern.quote(EXAMPLE_PATH) + " -->\\n```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern PENDING_LINE = Pattern.compile(
      "<!-- pending-rollback line of the example -->\\n```json\\n(.*?)\\n```", Pattern.DOTALL);
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final String NS = "token-labs";

  @TempDir
  Path journalDir;
  KubernetesClient client;

  @Test
  @DisplayName("The README's fault example is the compiled ScaleToZero, and stays within 45 lines")
  void readmeExampleIsTheCompiledFault() throws IOException {
    String source = Files.readString(ROOT.resolve(EXAMPLE_PATH));

    assertThat(readme(EXAMPLE)).isEqualTo(source);
    assertThat(source.lines().filter(l -> !l.startsWith("import ") && !l.isBlank()).count()).isLessThanOrEqualTo(45);
  }

  @Test
  @DisplayName("The pending-rollback line the README shows is the one the engine writes for the example")
  void readmePendingLineIsWhatTheEngineWrites() throws IOException {
    try (PendingRollbackFile file = PendingRollbackFile.create(journalDir, "run-1", PendingLines.KEY)) {
      file.register(1, new ScaleBack(NS, "llama-3-1-8b", 1), "cluster (context spark-prod)", Set.of(NS));

      String written = Files.readString(file.path()).strip();
      assertThat(written).matches(".*,\"mac\":\"[0-9a-f]{64}\"}");
      assertThat(written.replaceFirst("\"mac\":\"[0-9a-f]{64}\"", "\"mac\":\"<HMAC-SHA256, 64 hex digits>\""))
          .isEqualTo(readme(PENDING_LINE));
    }
  }

  @Test
  @DisplayName("ScaleToZero: prepare changes nothing, act scales to 0, the rollback read back after a crash restores 3, twice")
  void exampleFaultRoundTrips() throws Exception {
    client.apps().deployments().inNamespace(NS).resource(deployment(3)).create();
    ScaleToZero fault = new ScaleToZero(NS, "llama-3-1-8b");

    ScaleBack rollback = fault.prepare(target());
    assertThat(replicas()).isEqualTo(3);
    try (PendingRollbackFile file = PendingRollbackFile.create(journalDir, "crashed-run", PendingLines.KEY)) {
      file.register(1, rollback, "crud-mock", Set.of(NS));
    }
    fault.act(target(), rollback);
    assertThat(replicas()).isZero();

    List<PendingRollbackFile.Leftover> leftovers = PendingRollbackFile.leftovers(journalDir, "next-run", PendingLines.KEY);
    assertThat(leftovers).singleElement().extracting(PendingRollbackFile.Leftover::rollback).isEqualTo(rollback);
    Rollback recovered = leftovers.get(0).rollback();
    recovered.undo(target(), Duration.ofSeconds(5));
    recovered.undo(target(), Duration.ofSeconds(5));

    assertThat(replicas()).isEqualTo(3);
    assertThat(recovered.description()).isEqualTo("scale deployment token-labs/llama-3-1-8b back to 3 replicas");
  }

  @Test
  @DisplayName("ScaleToZero: a missing deployment fails in prepare, saying how to check")
  void missingDeployment() {
    assertThatThrownBy(() -> new ScaleToZero(NS, "nope").prepare(target()))
        .hasMessage("no deployment token-labs/nope; check with 'kubectl get deployments -n token-labs'");
  }

  private static String readme(Pattern block) throws IOException {
    Matcher m = block.matcher(Files.readString(ROOT.resolve("README.md")));
    assertThat(m.find()).as("README.md has the block " + block.pattern()).isTrue();
    return m.group(1);
  }

  private int replicas() {
    return client.apps().deployments().inNamespace(NS).withName("llama-3-1-8b").get().getSpec().getReplicas();
  }

  private Target target() {
    return new KubeOnlyTarget("crud-mock", client, () -> { });
  }

  private static io.fabric8.kubernetes.api.model.apps.Deployment deployment(int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata().withName("llama-3-1-8b").withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(replicas)
          .withNewSelector().addToMatchLabels("app", "llama-3-1-8b").endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", "llama-3-1-8b").endMetadata()
            .withNewSpec().addNewContainer().withName("sglang").withImage("lmsysorg/sglang:v0.4.6").endContainer()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }
}
