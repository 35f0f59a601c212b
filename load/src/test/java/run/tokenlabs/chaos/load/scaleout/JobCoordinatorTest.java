package run.tokenlabs.chaos.load.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.JobWorkers;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.ScaleOut;
import run.tokenlabs.chaos.load.api.ScaledLoadResult;
import run.tokenlabs.chaos.api.Secret;

/**
 * The coordinator against fabric8's mock API server in CRUD mode, where nothing runs the Job: the tests
 * play the Job controller and the workers, creating the pods, setting their phases and publishing the
 * results through the client.
 */
@EnableKubernetesMockClient(crud = true)
class JobCoordinatorTest {
  private static final String NS = "token-labs";
  private static final Instant NOW = Instant.parse("2026-04-15T02:00:00Z");
  private static final LoadSpec SPEC = Load.closedLoop(Endpoint.chat("http://gateway.token-labs:8080", "llama"), 8)
      .withWorkload(Bucket.of("A", 16, 4))
      .withBounds(new Bounds(Duration.ofSeconds(4), 400, Duration.ofSeconds(2)));
  private static final JobWorkers WORKERS = JobWorkers.kubernetesJob(NS, 2)
      .withStart(Duration.ofSeconds(30), Duration.ofSeconds(1));

  KubernetesMockServer server;
  KubernetesClient client;
  private final JobCoordinator coordinator = new JobCoordinator(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  @DisplayName("the Job is Indexed, N completions and parallelism, no retry, bounded by a deadline, running load-worker with its spec")
  void jobShape() {
    JobWorkers workers = WORKERS.withImage("registry.example/tokenlabs-chaos-runner@sha256:abc")
        .withBearerTokenFrom("llama-token", "token").withResources("2", "2Gi");
    LoadSpec spec = new LoadSpec(SPEC.endpoint().withBearerToken(Secret.of("sk-secret")), SPEC.loop(),
        SPEC.workload(), SPEC.bounds(), SPEC.slo(), SPEC.pool(), SPEC.progress(), SPEC.recording());
    coordinator.start(client, "load-x-abcde", spec, workers);

    Job job = client.batch().v1().jobs().inNamespace(NS).withName("load-x-abcde").get();
    assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(job.getSpec().getCompletions()).isEqualTo(2);
    assertThat(job.getSpec().getParallelism()).isEqualTo(2);
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    // start timeout 30 + delay 1 + margin 30 (the workers' barrier), duration 4, request timeout 2, margin 30
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(97L);
    assertThat(job.getMetadata().getLabels()).containsEntry("tokenlabs.run/scale-out", "load-x-abcde");
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getServiceAccountName()).isEqualTo(JobWorkers.DEFAULT_SERVICE_ACCOUNT);
    Container c = pod.getContainers().get(0);
    assertThat(pod.getContainers()).hasSize(1);
    assertThat(c.getImage()).isEqualTo("registry.example/tokenlabs-chaos-runner@sha256:abc");
    assertThat(c.getCommand()).containsExactly("tokenlabs-chaos", "load-worker");
    assertThat(c.getArgs()).hasSize(2).first().isEqualTo("--spec");
    WorkerSpec workerSpec = WorkerSpec.fromJson(c.getArgs().get(1));
    assertThat(workerSpec.job()).isEqualTo("load-x-abcde");
    assertThat(workerSpec.namespace()).isEqualTo(NS);
    assertThat(workerSpec.workers()).isEqualTo(2);
    assertThat(workerSpec.concurrency()).isEqualTo(8);
    assertThat(workerSpec.bearerTokenEnv()).isEqualTo(WorkerSpec.BEARER_TOKEN_ENV);
    assertThat(c.getArgs().get(1)).as("no secret in the manifest").doesNotContain("sk-secret");
    assertThat(c.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo(WorkerSpec.BEARER_TOKEN_ENV);
      assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("llama-token");
      assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
    });
    assertThat(c.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("POD_NAME");
      assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    });
    assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("2Gi"));
    assertThat(c.getResources().getLimits()).containsOnlyKeys("memory");
  }

  @Test
  @DisplayName("the start ConfigMap appears only once all N worker pods are Running; then the results are merged")
  void barrierWaitsForEveryPod() throws Exception {
    coordinator.start(client, "load-b", SPEC, WORKERS);
    pod("load-b", 0, "Running");
    pod("load-b", 1, "Pending");
    CompletableFuture<ScaledLoadResult> result = CompletableFuture.supplyAsync(
        () -> coordinator.await(client, "load-b", SPEC, WORKERS));

    // the coordinator has read the pods with one of them Pending several times over, and written nothing
    int seen = server.getRequestCount();
    Awaitility.await("coordinator polls").atMost(Duration.ofSeconds(10)).until(() -> server.getRequestCount() >= seen + 3);
    assertThat(client.configMaps().inNamespace(NS).withName("load-b-start").get()).isNull();

    setPhase("load-b", 1, "Running");
    ConfigMap start = Awaitility.await("start ConfigMap").atMost(Duration.ofSeconds(10))
        .until(() -> client.configMaps().inNamespace(NS).withName("load-b-start").get(), cm -> cm != null);
    assertThat(start.getData()).containsEntry(StartBarrier.START_KEY, Long.toString(NOW.plusSeconds(1).toEpochMilli()));

    LoadResult first = result(1, 300);
    LoadResult second = result(2, 100);
    publish("load-b", 0, first);
    publish("load-b", 1, second);
    ScaledLoadResult merged = result.get(20, TimeUnit.SECONDS);
    assertThat(merged.ledger().scheduled()).isEqualTo(400);
    assertThat(merged.ledger()).isEqualTo(ResultMerge.sum(List.of(first.ledger(), second.ledger())));
    assertThat(merged.histograms().ttftMicros().getTotalCount())
        .isEqualTo(first.histograms().ttftMicros().getTotalCount() + second.histograms().ttftMicros().getTotalCount());
  }

  @Test
  @DisplayName("a worker whose pod failed without a result fails the whole, naming its index, phase, exit code and log")
  void missingResultIsAnError() {
    coordinator.start(client, "load-m", SPEC, WORKERS);
    pod("load-m", 0, "Running");
    Pod failing = pod("load-m", 1, "Running");
    server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/" + failing.getMetadata().getName()
        + "/log?pretty=false&tailLines=10").andReturn(200, "load-worker 1 of Job load-m failed: connection refused\n")
        .always();
    CompletableFuture<ScaledLoadResult> result = CompletableFuture.supplyAsync(
        () -> coordinator.await(client, "load-m", SPEC, WORKERS));
    Awaitility.await("start ConfigMap").atMost(Duration.ofSeconds(10))
        .until(() -> client.configMaps().inNamespace(NS).withName("load-m-start").get() != null);

    publish("load-m", 0, result(3, 200));
    client.pods().inNamespace(NS).resource(new PodBuilder(failing).editStatus().withPhase("Failed")
        .addNewContainerStatus().withName("load-worker").withNewState().withNewTerminated().withExitCode(1)
        .withReason("Error").endTerminated().endState().endContainerStatus().endStatus().build()).update();

    assertThatThrownBy(() -> result.get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 of 2 workers gave no result")
        .hasMessageContaining("nothing was merged")
        .hasMessageContaining("worker 1: pod " + failing.getMetadata().getName() + " phase Failed, exit code 1 (Error)")
        .hasMessageContaining("connection refused")
        .hasMessageNotContaining("worker 0:");
  }

  @Test
  @DisplayName("run() removes the Job and its ConfigMaps when the load fails (here: the workers never ran)")
  void cleanupWhenTheLoadThrows() {
    JobWorkers workers = WORKERS.withStart(Duration.ofMillis(600), Duration.ZERO);
    ScaleOut load = ScaleOut.of("never runs", SPEC, workers);
    client.configMaps().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withName(load.jobName() + "-result-0").endMetadata().addToData("result.json", "{}").build())
        .create();

    assertThatThrownBy(() -> load.run(client))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Not all 2 worker pods of Job " + NS + "/" + load.jobName() + " were Running")
        .hasMessageContaining("seen: no pods");

    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  @DisplayName("injected as a fault, its rollback deletes the Job and its ConfigMaps, and does nothing the second time")
  void rollbackRemovesTheWorkers() throws Exception {
    var target = new KubeTarget(client);
    ScaleOut load = ScaleOut.of("rolled back", SPEC, WORKERS);
    ScaleOut.RemoveWorkers rollback = load.prepare(target);
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).as("prepare changes nothing").isEmpty();
    load.act(target, rollback);
    assertThat(client.batch().v1().jobs().inNamespace(NS).withName(load.jobName()).get()).isNotNull();
    pod(load.jobName(), 0, "Running");
    publish(load.jobName(), 1, result(4, 10));

    rollback.undo(target, Duration.ofSeconds(5));
    rollback.undo(target, Duration.ofSeconds(5));

    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(rollback.namespaces()).containsExactly(NS);
    assertThat(load.namespaces()).containsExactly(NS);
    assertThat(rollback.description()).isEqualTo("delete load-worker Job " + NS + "/" + load.jobName()
        + " and its ConfigMaps " + load.jobName() + "-start, " + load.jobName() + "-result-0..1");
  }

  @Test
  @DisplayName("an endpoint with a bearer token and no Secret for the workers is refused before anything is created")
  void tokenNeedsASecret() {
    LoadSpec withToken = Load.closedLoop(Endpoint.chat("http://gateway:8080", "llama")
        .withBearerToken(Secret.of("sk-secret")), 8);

    assertThatThrownBy(() -> ScaleOut.of("token", withToken, WORKERS))
        .hasMessageContaining("JobWorkers.withBearerTokenFrom(secret, key)");
  }

  private Pod pod(String job, int index, String phase) {
    Pod pod = new PodBuilder().withNewMetadata().withName(job + "-" + index + "-x7k2p").withNamespace(NS)
        .addToLabels(WorkerJob.JOB_NAME_LABEL, job).addToLabels(WorkerJob.INDEX_LABEL, String.valueOf(index))
        .endMetadata().withNewSpec().addNewContainer().withName("load-worker").withImage("runner").endContainer()
        .endSpec().withNewStatus().withPhase(phase).endStatus().build();
    return client.pods().inNamespace(NS).resource(pod).create();
  }

  private void setPhase(String job, int index, String phase) {
    Pod pod = client.pods().inNamespace(NS).withName(job + "-" + index + "-x7k2p").get();
    client.pods().inNamespace(NS).resource(new PodBuilder(pod).editStatus().withPhase(phase).endStatus().build())
        .update();
  }

  private void publish(String job, int index, LoadResult result) {
    var spec = WorkerSpec.of(SPEC, job, NS, 2, Duration.ofSeconds(30));
    LoadWorker.publish(client, spec, WorkerResult.of(index, job + "-" + index, result));
  }

  private static LoadResult result(long seed, int scheduled) {
    return new LoadResult(SPEC, 0, NOW, Duration.ofSeconds(4), scheduled,
        MergeExactTest.records(new Random(seed), seed * 10_000, scheduled), List.of(), List.of());
  }
}
