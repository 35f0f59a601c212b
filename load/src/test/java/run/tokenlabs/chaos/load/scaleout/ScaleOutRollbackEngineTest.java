package run.tokenlabs.chaos.load.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.SafetyLabels;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.JobWorkers;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.ScaleOut;

/**
 * A scale-out injected through the real engine into an experiment that then fails: the engine's
 * rollback deletes the workers' Job and ConfigMaps, through the client it guards (allowed, labelled
 * namespace), and journals it.
 */
@EnableKubernetesMockClient(crud = true)
class ScaleOutRollbackEngineTest {
  private static final String NS = "token-labs";
  KubernetesClient client;
  @TempDir
  Path dir;

  @Test
  @DisplayName("an experiment that fails after injecting a scale-out leaves neither its Job nor its ConfigMaps")
  void rollbackRemovesTheWorkersOfAFailedExperiment() throws IOException {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
        .addToLabels(SafetyLabels.NAMESPACE_LABEL, SafetyLabels.NAMESPACE_LABEL_VALUE).endMetadata().build()).create();
    CrudKubeTargetProvider.client = client;

    EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
        .configurationParameter("tokenlabs.chaos.target", "crud-kube")
        .configurationParameter("tokenlabs.chaos.namespaces.allowed", NS)
        .configurationParameter("tokenlabs.chaos.journal.dir", dir.resolve("journal").toString())
        .selectors(selectClass(FailingScaleOutExperiment.class))
        .execute();

    results.testEvents().assertStatistics(s -> s.failed(1).succeeded(0));
    assertThat(FailingScaleOutExperiment.jobSeen).as("the Job existed while the experiment ran").isTrue();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();
    String journal;
    try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
      journal = files.filter(f -> f.toString().endsWith(".jsonl")).map(ScaleOutRollbackEngineTest::read)
          .reduce("", String::concat);
    }
    assertThat(journal).contains("RollbackDone").contains("delete load-worker Job " + NS + "/"
        + FailingScaleOutExperiment.job);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Injects a scale-out, sees its Job, publishes a stand-in result and fails. Run through the engine by the test above. */
  @ChaosExperiment(id = "T-SCALE-OUT", title = "a scale-out load whose experiment fails")
  static class FailingScaleOutExperiment {
    static volatile String job;
    static volatile boolean jobSeen;

    @Test
    void injectThenFail(Chaos chaos) {
      ScaleOut load = ScaleOut.of("engine test", Load.closedLoop(Endpoint.chat("http://127.0.0.1:9", "m"), 2)
          .withWorkload(Bucket.of("A", 16, 4)).withBounds(Bounds.of(Duration.ofSeconds(2), 10)),
          JobWorkers.kubernetesJob(NS, 2));
      job = load.jobName();
      chaos.inject(load);
      KubernetesClient kubernetes = chaos.target().kubernetes();
      jobSeen = kubernetes.batch().v1().jobs().inNamespace(NS).withName(job).get() != null;
      kubernetes.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
          .withName(job + "-result-1").endMetadata().addToData(LoadWorker.RESULT_KEY, "{}").build()).create();
      throw new AssertionError("the experiment fails with its workers in place");
    }
  }
}
