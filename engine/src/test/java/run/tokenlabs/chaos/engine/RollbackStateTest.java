package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.engine.PendingRollbackFile.Leftover;
import run.tokenlabs.chaos.engine.testing.KubeOnlyTarget;
import run.tokenlabs.chaos.engine.testing.MarkerFileFault;
import run.tokenlabs.chaos.engine.testing.MarkerFileFault.DeleteMarker;
import run.tokenlabs.chaos.faults.ForceDeletePodFault;
import run.tokenlabs.chaos.faults.ForceDeletePodFault.RestorePod;

/**
 * A rollback's typed state through the pending-rollback file: written by one run, read back by a
 * fresh reader (as the next run after a crash does), and undone; and what a reader does with a
 * line it cannot rebuild.
 */
@EnableKubernetesMockClient(crud = true)
class RollbackStateTest {
  private static final String NS = "token-labs";
  @TempDir
  Path journalDir;
  KubernetesClient client;

  @Test
  @DisplayName("A rollback record is written, read back equal by a fresh reader, and its undo works twice")
  void recordRoundTripsAndUndoes() throws Exception {
    Path marker = Files.writeString(journalDir.resolve("marker"), "fault active");
    DeleteMarker written = new MarkerFileFault(marker).prepare(target());
    register(written);

    Rollback readBack = onlyLeftover().rollback();

    assertThat(readBack).isEqualTo(written).isNotSameAs(written);
    assertThat(readBack.kind()).isEqualTo(DeleteMarker.class.getName());
    readBack.undo(target(), Duration.ofSeconds(1));
    readBack.undo(target(), Duration.ofSeconds(1));
    assertThat(marker).doesNotExist();
  }

  @Test
  @DisplayName("A force-deleted bare pod's rollback, manifest included, read back after a crash recreates the pod")
  void podManifestRoundTrips() {
    client.pods().inNamespace(NS).resource(pod()).create();
    ForceDeletePodFault fault = new ForceDeletePodFault(NS, "app=deepseek-r1-7b");
    RestorePod written = fault.prepare(target());
    register(written);
    fault.act(target(), written);

    RestorePod readBack = (RestorePod) onlyLeftover().rollback();
    readBack.undo(target(), Duration.ofSeconds(5));

    assertThat(readBack).isEqualTo(written);
    assertThat(readBack.manifest().getSpec().getContainers()).extracting(c -> c.getImage())
        .containsExactly("vllm/vllm-openai:v0.8.5");
    Pod recreated = client.pods().inNamespace(NS).withName("deepseek-r1-7b-vllm-leader").get();
    assertThat(recreated.getMetadata().getLabels()).containsEntry("app", "deepseek-r1-7b");
  }

  @Test
  @DisplayName("An unknown kind in the pending file: its undo fails naming the file, the line and the kind")
  void unknownKind() throws Exception {
    Path file = pendingFile(
        "{\"op\":\"register\",\"seq\":1,\"target\":\"mock\",\"namespaces\":[],\"rollback\":" + markerRollback("a") + "}",
        "{\"op\":\"register\",\"seq\":2,\"target\":\"mock\",\"namespaces\":[],\"rollback\":{\"kind\":\"com.example.ScaleBack\","
            + "\"description\":\"scale web back to 3\",\"state\":{\"replicas\":3}}}",
        "{\"op\":\"done\",\"seq\":1}");

    Leftover leftover = onlyLeftover();

    assertThat(leftover.rollback().kind()).isEqualTo("com.example.ScaleBack");
    assertThat(leftover.rollback().description()).isEqualTo("scale web back to 3");
    assertThatThrownBy(() -> leftover.rollback().undo(target(), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Pending rollback at " + file + " line 2")
        .hasMessageContaining("kind 'com.example.ScaleBack'")
        .hasMessageContaining("no class 'com.example.ScaleBack' on this run's class path")
        .hasMessageContaining("Undo 'scale web back to 3' by hand, then delete " + file);
    assertThat(RollbackCodec.stateKeys(leftover.rollback())).containsExactly("replicas");
  }

  @Test
  @DisplayName("A kind naming a class that is not a rollback record is refused without instantiating it")
  void kindThatIsNotARollbackRecord() throws Exception {
    Path file = pendingFile("{\"op\":\"register\",\"seq\":1,\"target\":\"mock\",\"namespaces\":[],\"rollback\":{\"kind\":"
        + "\"java.lang.ProcessBuilder\",\"description\":\"x\",\"state\":{\"command\":[\"rm\",\"-rf\",\"/\"]}}}");

    Rollback rollback = onlyLeftover().rollback();

    assertThatThrownBy(() -> rollback.undo(target(), Duration.ofSeconds(1)))
        .hasMessageContaining(file + " line 1")
        .hasMessageContaining("names class java.lang.ProcessBuilder, which is not a record implementing "
            + Rollback.class.getName() + ", so it was not instantiated");
  }

  @Test
  @DisplayName("A state that does not fit the record's components (another version of the fault) is named")
  void stateOfAnotherVersion() throws Exception {
    Path file = pendingFile("{\"op\":\"register\",\"seq\":1,\"target\":\"mock\",\"namespaces\":[],\"rollback\":{\"kind\":\""
        + DeleteMarker.class.getName() + "\",\"description\":\"delete marker m\",\"state\":{\"file\":\"/tmp/m\"}}}");

    Rollback rollback = onlyLeftover().rollback();

    assertThatThrownBy(() -> rollback.undo(target(), Duration.ofSeconds(1)))
        .hasMessageContaining(file + " line 1")
        .hasMessageContaining("its state [file] does not fit the components of " + DeleteMarker.class.getName()
            + " [path]");
  }

  @Test
  @DisplayName("A rollback that is not a record, or does not read back equal, is refused before anything is written")
  void unwritableRollbacksAreRefused() throws Exception {
    try (PendingRollbackFile file = PendingRollbackFile.create(journalDir, "run-1", PendingLines.KEY)) {
      assertThatThrownBy(() -> file.register(1, new NotARecord(), "mock", Set.of()))
          .hasMessageContaining("is not a record").hasMessageContaining("Declare it as a record implementing Rollback");
      assertThatThrownBy(() -> file.register(2, new WithArray(new String[] {"a"}), "mock", Set.of()))
          .hasMessageContaining("does not read back equal").hasMessageContaining("no arrays");
      assertThat(Files.readString(file.path())).isEmpty();
    }
  }

  @Test
  @DisplayName("A thread with its interrupt flag set (a guard halt's test thread) can still write the file, and so can the next")
  void interruptedWriterDoesNotCloseTheFile() {
    try (PendingRollbackFile file = PendingRollbackFile.create(journalDir, "crashed-run", PendingLines.KEY)) {
      Thread.currentThread().interrupt();
      try {
        file.register(1, new DeleteMarker("/tmp/a"), "mock", Set.of());
        file.done(1);
      } finally {
        assertThat(Thread.interrupted()).as("the flag is left for its owner").isTrue();
      }
      file.register(2, new DeleteMarker("/tmp/b"), "mock", Set.of());
    }

    assertThat(onlyLeftover().rollback()).isEqualTo(new DeleteMarker("/tmp/b"));
  }

  private void register(Rollback rollback) {
    try (PendingRollbackFile file = PendingRollbackFile.create(journalDir, "crashed-run", PendingLines.KEY)) {
      file.register(1, rollback, "crud-mock", rollback.namespaces());
    }
  }

  private Leftover onlyLeftover() {
    List<Leftover> leftovers = PendingRollbackFile.leftovers(journalDir, "next-run", PendingLines.KEY);
    assertThat(leftovers).hasSize(1);
    return leftovers.get(0);
  }

  /** The lines, signed with the test key, as the pending file of run "crashed-run". */
  private Path pendingFile(String... lines) throws Exception {
    return PendingLines.write(journalDir, "crashed-run", Stream.of(lines)
        .map(line -> PendingLines.signed(PendingLines.KEY, "crashed-run", line) + "\n").collect(Collectors.joining()));
  }

  private static String markerRollback(String path) {
    return "{\"kind\":\"" + DeleteMarker.class.getName() + "\",\"description\":\"delete marker\",\"state\":{\"path\":\""
        + path + "\"}}";
  }

  private Target target() {
    return new KubeOnlyTarget("crud-mock", client, () -> { });
  }

  private static Pod pod() {
    return new PodBuilder()
        .withNewMetadata().withName("deepseek-r1-7b-vllm-leader").withNamespace(NS).addToLabels("app", "deepseek-r1-7b")
          .endMetadata()
        .withNewSpec().withRestartPolicy("Never").withNodeName("spark-01")
          .addNewContainer().withName("vllm").withImage("vllm/vllm-openai:v0.8.5")
            .addNewEnv().withName("HF_TOKEN").withNewValueFrom().withNewSecretKeyRef("token", "hf", false)
              .endValueFrom().endEnv()
          .endContainer()
        .endSpec()
        .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
        .build();
  }

  /** A rollback that is a class, not a record. */
  private static final class NotARecord implements Rollback {
    @Override
    public String description() {
      return "not a record";
    }

    @Override
    public void undo(Target target, Duration timeout) {
    }
  }

  /** A record whose array component reads back as another array, so it never equals itself read back. */
  private record WithArray(String[] paths) implements Rollback {
    @Override
    public String description() {
      return "delete " + paths.length + " files";
    }

    @Override
    public void undo(Target target, Duration timeout) {
    }
  }
}
