package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RollbackLeftPending;
import run.tokenlabs.chaos.engine.fixtures.Experiments;
import run.tokenlabs.chaos.engine.fixtures.ForceDeletePodWithLiteralToken;
import run.tokenlabs.chaos.engine.testing.EngineRun;
import run.tokenlabs.chaos.engine.testing.MockClusterTargetProvider;
import run.tokenlabs.chaos.engine.testing.World;
import run.tokenlabs.chaos.faults.ForceDeletePodFault.RestorePod;

/**
 * A pending rollback can only undo what this engine did: a record edited on disk, or one that would
 * act where a fresh fault may not, is refused before anything is created; a dry run replays nothing;
 * a rollback holding a literal secret never reaches the disk. Runs the real engine on the mock
 * cluster and inspects the pods its server holds when the run closes.
 */
class PendingReplaySafetyTest {
  private static final String DEAD_RUN = "20260101-000000-dead";
  private static final String NS = "token-labs";
  private static final String POD = "deepseek-r1-7b-vllm-leader";
  @TempDir
  Path dir;
  Path journal;
  JournalKey key;

  @BeforeEach
  void setUp() {
    World.reset(dir.resolve("markers"));
    journal = dir.resolve("journal");
    key = PendingLines.keyOf(journal);
    MockClusterTargetProvider.podsAtClose = null;
  }

  @Test
  @DisplayName("Control: the engine's own record of a deleted bare pod is replayed, and the pod is back")
  void ownRecordIsReplayed() throws Exception {
    pendingRestore(node -> { }, false);

    new EngineRun(journal).execute(Experiments.Held.class).testEvents().assertStatistics(s -> s.succeeded(1));

    assertThat(MockClusterTargetProvider.podsAtClose).containsExactly(NS + "/" + POD);
  }

  @Test
  @DisplayName("An edited record (kube-system, privileged, hostPID, hostPath /) makes even a dry run stop at its line; nothing is created")
  void editedRecordIsRefused() throws Exception {
    Path file = pendingRestore(PendingReplaySafetyTest::intoKubeSystemPrivileged, false);

    EngineExecutionResults results = new EngineRun(journal).with("dryRun", "true").with("namespaces.allowed", NS)
        .execute(Experiments.Held.class);

    refusedBeforeAnyExperiment(results, file + " line 1: its MAC does not match");
  }

  @Test
  @DisplayName("A record signed with the key but acting in kube-system is refused by the policy of a fresh fault")
  void signedRecordInKubeSystemIsRefused() throws Exception {
    Path file = pendingRestore(PendingReplaySafetyTest::intoKubeSystemPrivileged, true);

    EngineExecutionResults results = new EngineRun(journal).execute(Experiments.Held.class);

    refusedBeforeAnyExperiment(results, "Pending rollback at " + file + " line 1",
        "kube-system, which is never a chaos target", "Nothing was replayed or injected");
  }

  @Test
  @DisplayName("A signed record whose manifest names another pod than the one it restores creates nothing")
  void manifestOfAnotherPodIsRefused() throws Exception {
    pendingRestore(node -> {
      ObjectNode meta = (ObjectNode) node.at("/rollback/state/manifest/metadata");
      meta.put("namespace", "kube-system");
      meta.put("name", "node-shell");
    }, true);

    EngineExecutionResults results = new EngineRun(journal).execute(Experiments.Held.class);

    refusedBeforeAnyExperiment(results, "Refused to recreate pod " + NS + "/" + POD
        + ": its recorded manifest names kube-system/node-shell");
  }

  @Test
  @DisplayName("A dry run lists the pending rollback in the journal and replays nothing; the next real run does")
  void dryRunDoesNotReplay() throws Exception {
    Path file = pendingRestore(node -> { }, false);

    EngineRun dryRun = new EngineRun(journal).with("dryRun", "true");
    dryRun.execute(Experiments.Held.class);

    assertThat(MockClusterTargetProvider.podsAtClose).as("nothing replayed").isEmpty();
    assertThat(dryRun.journal(RollbackDone.class)).isEmpty();
    assertThat(dryRun.journal(RollbackLeftPending.class)).singleElement().satisfies(e -> {
      assertThat(e.location()).isEqualTo(file + " line 1");
      assertThat(e.reason()).startsWith("dry run: would complete it (recreate bare pod " + NS + "/" + POD);
      assertThat(e.experiment()).isEqualTo("recovery of run " + DEAD_RUN);
    });
    assertThat(file).as("kept for a real run").exists();

    new EngineRun(journal).execute(Experiments.Held.class);
    assertThat(MockClusterTargetProvider.podsAtClose).containsExactly(NS + "/" + POD);
    assertThat(file).doesNotExist();
  }

  @Test
  @DisplayName("A bare pod with a literal HF_TOKEN is not deleted: its rollback is refused before acting, and the token is on no disk")
  void literalSecretIsRefusedBeforeActing() throws Exception {
    EngineRun run = new EngineRun(journal);
    EngineExecutionResults results = run.execute(ForceDeletePodWithLiteralToken.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(message(m ->
        m.contains("literal secret at manifest.spec.containers[0].env[0] (HF_TOKEN)")
            && m.contains("nothing was injected") && m.contains("secretKeyRef"))));
    assertThat(MockClusterTargetProvider.podsAtClose).as("the pod was not deleted").containsExactly(NS + "/" + POD);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(file)).as(file.toString()).doesNotContain(ForceDeletePodWithLiteralToken.TOKEN);
      }
    }
  }

  @Test
  @DisplayName("A dry run refuses the literal secret a real run would refuse, and deletes nothing")
  void literalSecretIsRefusedInADryRunToo() {
    EngineExecutionResults results = new EngineRun(journal).with("dryRun", "true")
        .execute(ForceDeletePodWithLiteralToken.class);

    results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(message(m ->
        m.contains("literal secret at manifest.spec.containers[0].env[0] (HF_TOKEN)"))));
    assertThat(MockClusterTargetProvider.podsAtClose).as("the pod was not deleted").containsExactly(NS + "/" + POD);
  }

  private void refusedBeforeAnyExperiment(EngineExecutionResults results, String... expected) {
    results.testEvents().assertStatistics(s -> s.started(0));
    results.containerEvents().assertThatEvents().haveExactly(1, finishedWithFailure(message(m ->
        Stream.of(expected).allMatch(m::contains))));
    assertThat(new EngineRun(journal).journal(ExperimentStarted.class)).isEmpty();
    assertThat(MockClusterTargetProvider.podsAtClose).as("nothing was created").isEmpty();
  }

  /** The edit of the reported attack: the restore moved to kube-system as a privileged, hostPID pod mounting /. */
  private static void intoKubeSystemPrivileged(ObjectNode node) {
    ((ArrayNode) node.withArray("namespaces")).removeAll().add("kube-system");
    ((ObjectNode) node.at("/rollback/state")).put("namespace", "kube-system");
    ObjectNode manifest = (ObjectNode) node.at("/rollback/state/manifest");
    ((ObjectNode) manifest.get("metadata")).put("namespace", "kube-system");
    ObjectNode spec = (ObjectNode) manifest.get("spec");
    spec.put("hostPID", true);
    ((ObjectNode) spec.withArray("containers").get(0)).putObject("securityContext").put("privileged", true);
    spec.putArray("volumes").addObject().put("name", "root").putObject("hostPath").put("path", "/");
  }

  /**
   * The pending file a run killed after force-deleting the bare pod leaves, written by the engine, then
   * edited; {@code resign} signs the edit with the key, as only a holder of the key could.
   */
  private Path pendingRestore(Consumer<ObjectNode> edit, boolean resign) throws Exception {
    Path file;
    try (PendingRollbackFile pending = PendingRollbackFile.create(journal, DEAD_RUN, key)) {
      pending.register(1, new RestorePod(NS, POD, "app=deepseek-r1-7b", null, 1, pod()), "mock", Set.of(NS));
      file = pending.path();
    }
    String line = Files.readString(file).strip();
    int macAt = line.lastIndexOf(",\"mac\":");
    ObjectNode node = (ObjectNode) Journal.JSON.readTree(line.substring(0, macAt) + "}");
    edit.accept(node);
    String body = Journal.JSON.writeValueAsString(node);
    String edited = resign ? PendingLines.signed(key, DEAD_RUN, body)
        : body.substring(0, body.length() - 1) + line.substring(macAt);
    return Files.writeString(file, edited + "\n");
  }

  private static Pod pod() {
    return new PodBuilder()
        .withNewMetadata().withName(POD).withNamespace(NS).addToLabels("app", "deepseek-r1-7b").endMetadata()
        .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("vllm").withImage("vllm").endContainer()
        .endSpec().build();
  }
}
