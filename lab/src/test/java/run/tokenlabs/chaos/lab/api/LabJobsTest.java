package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.lab.jobs.ConfigMapWorker;
import run.tokenlabs.chaos.lab.jobs.FailingWorker;
import run.tokenlabs.chaos.lab.jobs.SleepingWorker;
import run.tokenlabs.chaos.lab.kube.JobController;
import run.tokenlabs.chaos.lab.kube.KubeApi;

/**
 * Indexed Jobs on the lab's API server: each pod runs as a local JVM process of a test worker, which
 * reaches the API server through its kubeconfig as a worker in a cluster reaches its API server. No
 * Prometheus: only the API server and the Job controller are started.
 */
class LabJobsTest {
  private static final String NS = "token-labs";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  static Path dir;
  static KubeApi api;
  static JobController jobs;
  static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    api = new KubeApi(dir);
    client = api.client();
    jobs = new JobController(api, Map.of(List.of("lab-test", "configmap"), ConfigMapWorker.class.getName(),
        List.of("lab-test", "fail"), FailingWorker.class.getName(),
        List.of("lab-test", "sleep"), SleepingWorker.class.getName()), dir.resolve("logs"), "node-a").start();
  }

  @AfterAll
  static void stop() {
    jobs.close();
    api.close();
    assertThat(workersAlive()).as("no worker process outlives the lab").isEmpty();
  }

  /** Each test starts with no worker running, whatever the one before left behind. */
  @AfterEach
  void deleteJobs() {
    client.batch().v1().jobs().inNamespace(NS).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    await().atMost(WAIT).untilAsserted(() -> assertThat(workersAlive()).isEmpty());
  }

  @Test
  @DisplayName("an Indexed Job of 2 runs two processes that write their ConfigMaps; the Job is Complete with 0,1")
  void indexedJobCompletes() {
    create(job("writers", 2, 2, "lab-test", "configmap", "--rate=3"));

    Job done = awaitCondition("writers", "Complete");

    assertThat(done.getStatus().getSucceeded()).isEqualTo(2);
    assertThat(done.getStatus().getFailed()).isZero();
    assertThat(done.getStatus().getActive()).isZero();
    assertThat(done.getStatus().getCompletedIndexes()).isEqualTo("0,1");
    assertThat(done.getStatus().getStartTime()).isNotNull();
    assertThat(done.getStatus().getCompletionTime()).isNotNull();
    assertThat(done.getStatus().getConditions()).extracting(JobCondition::getType)
        .containsExactly("SuccessCriteriaMet", "Complete");
    List<Pod> pods = pods("writers");
    assertThat(pods).hasSize(2);
    for (Pod pod : pods) {
      String index = pod.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index");
      assertThat(pod.getMetadata().getName()).matches("writers-" + index + "-[a-z0-9]{5}");
      assertThat(pod.getMetadata().getLabels()).containsEntry("job-name", "writers")
          .containsEntry("batch.kubernetes.io/job-name", "writers")
          .containsEntry("batch.kubernetes.io/job-completion-index", index);
      assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(o -> assertThat(o.getKind() + "/" + o.getName() + "/" + o.getUid())
              .isEqualTo("Job/writers/" + done.getMetadata().getUid()));
      assertThat(pod.getSpec().getContainers().get(0).getEnv()).anySatisfy(v -> assertThat(v.getName())
          .isEqualTo("JOB_COMPLETION_INDEX"));
      assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
      assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isZero();
      ConfigMap out = client.configMaps().inNamespace(NS).withName("writers-out-" + index).get();
      assertThat(out).as("ConfigMap writers-out-" + index).isNotNull();
      assertThat(out.getData()).containsEntry("index", index).containsEntry("pod", pod.getMetadata().getName())
          .containsEntry("args", "--rate=3").containsEntry("greeting", "hello from the secret");
      assertThat(client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).getLog())
          .endsWith("worker " + index + " of writers wrote configmap writers-out-" + index + "\n");
    }
    assertThat(reasons("writers")).contains("SuccessfulCreate", "Completed");
  }

  @Test
  @DisplayName("parallelism 1 of 2 completions runs the second index only after the first succeeded")
  void parallelismBoundsActivePods() {
    create(job("one-by-one", 2, 1, "lab-test", "configmap"));

    Job done = awaitCondition("one-by-one", "Complete");

    assertThat(done.getStatus().getCompletedIndexes()).isEqualTo("0,1");
    Pod second = pods("one-by-one").stream().filter(p -> p.getMetadata().getName().startsWith("one-by-one-1-"))
        .findFirst().orElseThrow();
    long secondCreated = client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> e.getMessage().equals("Created pod: " + second.getMetadata().getName()))
        .mapToLong(e -> Long.parseLong(e.getMetadata().getResourceVersion())).findFirst().orElseThrow();
    long firstWrote = Long.parseLong(client.configMaps().inNamespace(NS).withName("one-by-one-out-0").get()
        .getMetadata().getResourceVersion());
    // the store's resource versions order its writes: index 1 got its pod only after worker 0 had done its work
    assertThat(secondCreated).isGreaterThan(firstWrote);
    assertThat(reasons("one-by-one").stream().filter("SuccessfulCreate"::equals)).hasSize(2);
  }

  @Test
  @DisplayName("a worker that exits 3 fails its pod (Error, exit code 3) and the Job (BackoffLimitExceeded)")
  void failingWorkerFailsTheJob() {
    create(job("failing", 1, 1, "lab-test", "fail"));

    Job failed = awaitCondition("failing", "Failed");

    assertThat(failed.getStatus().getFailed()).isEqualTo(1);
    assertThat(failed.getStatus().getSucceeded()).isZero();
    assertThat(failed.getStatus().getConditions()).extracting(JobCondition::getType)
        .containsExactly("FailureTarget", "Failed");
    assertThat(failed.getStatus().getConditions().get(1).getReason()).isEqualTo("BackoffLimitExceeded");
    Pod pod = pods("failing").get(0);
    assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
    var terminated = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
    assertThat(terminated.getExitCode()).isEqualTo(3);
    assertThat(terminated.getReason()).isEqualTo("Error");
    assertThat(client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).getLog())
        .endsWith("worker 0 fails on purpose\n");
  }

  @Test
  @DisplayName("deleting a running Job (background) kills its processes and removes its pods")
  void deletingTheJobKillsItsProcesses() {
    create(job("sleepers", 2, 2, "lab-test", "sleep"));
    awaitRunning("sleepers", 2);
    assertThat(workersAlive()).hasSizeGreaterThanOrEqualTo(2);

    client.batch().v1().jobs().inNamespace(NS).withName("sleepers").withPropagationPolicy(
        DeletionPropagation.BACKGROUND).delete();

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(workersAlive()).isEmpty();
      assertThat(pods("sleepers")).isEmpty();
    });
  }

  @Test
  @DisplayName("deleting a Job with the Orphan policy kills its processes but leaves its pods")
  void orphanDeleteKeepsPods() {
    create(job("orphans", 1, 1, "lab-test", "sleep"));
    awaitRunning("orphans", 1);

    client.batch().v1().jobs().inNamespace(NS).withName("orphans").withPropagationPolicy(DeletionPropagation.ORPHAN)
        .delete();

    await().atMost(WAIT).untilAsserted(() -> assertThat(workersAlive()).isEmpty());
    await().atMost(WAIT).untilAsserted(() -> assertThat(pods("orphans")).singleElement()
        .satisfies(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Failed")));
  }

  @Test
  @DisplayName("deleting a Job's running pod kills its process, which counts as a failure of the Job")
  void deletingAPodKillsItsProcess() {
    create(job("victim", 1, 1, "lab-test", "sleep"));
    awaitRunning("victim", 1);

    client.pods().inNamespace(NS).withName(pods("victim").get(0).getMetadata().getName()).delete();

    Job failed = awaitCondition("victim", "Failed");
    assertThat(failed.getStatus().getFailed()).isEqualTo(1);
    assertThat(workersAlive()).isEmpty();
  }

  @Test
  @DisplayName("activeDeadlineSeconds kills the processes and fails the Job with DeadlineExceeded")
  void deadlineKillsTheJob() {
    create(new JobBuilder(job("overdue", 1, 1, "lab-test", "sleep")).editSpec().withActiveDeadlineSeconds(2L)
        .endSpec().build());

    Job failed = awaitCondition("overdue", "Failed");

    assertThat(failed.getStatus().getConditions().get(1).getReason()).isEqualTo("DeadlineExceeded");
    await().atMost(WAIT).untilAsserted(() -> assertThat(workersAlive()).isEmpty());
    await().atMost(WAIT).untilAsserted(() -> assertThat(pods("overdue").get(0).getStatus().getPhase())
        .isEqualTo("Failed"));
  }

  @Test
  @DisplayName("a pod whose command the lab does not know fails at once, naming the command and how to register it")
  void unknownCommandFailsThePod() {
    create(job("unknown", 1, 1, "python3", "worker.py"));

    Job failed = awaitCondition("unknown", "Failed");

    Pod pod = pods("unknown").get(0);
    assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(pod.getStatus().getMessage()).contains("[python3, worker.py]").contains("LabOptions.jobCommand");
    assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getReason())
        .isEqualTo("StartError");
    assertThat(failed.getStatus().getFailed()).isEqualTo(1);
    List<Event> events = client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(pod.getMetadata().getName())).toList();
    assertThat(events).anySatisfy(e -> {
      assertThat(e.getType() + " " + e.getReason()).isEqualTo("Warning Failed");
      assertThat(e.getMessage()).contains("[python3, worker.py]");
    });
  }

  @Test
  @DisplayName("kubectl logs prints a Job pod's output")
  void kubectlLogs() throws Exception {
    Assumptions.assumeTrue(Kubectl.installed(), "kubectl is not on PATH (Debian: apt-get install -y kubectl)");
    create(job("logged", 1, 1, "lab-test", "configmap"));
    awaitCondition("logged", "Complete");
    String pod = pods("logged").get(0).getMetadata().getName();

    Kubectl.Result logs = new Kubectl(api.kubeconfig(), dir).run("logs", "-n", NS, pod);

    assertThat(logs.exitCode()).as(logs.output()).isZero();
    assertThat(logs.output()).endsWith("worker 0 of logged wrote configmap logged-out-0\n");
    Kubectl.Result missing = new Kubectl(api.kubeconfig(), dir).run("logs", "-n", NS, "no-such-pod");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.output()).contains("NotFound");
  }

  @Test
  @DisplayName("the log of a pod that does not exist is NotFound, naming the pod")
  void logOfNoPod() {
    assertThatThrownBy(() -> client.pods().inNamespace(NS).withName("no-such-pod").getLog())
        .hasMessageContaining("pods \"no-such-pod\" not found");
  }

  private static Job job(String name, int completions, int parallelism, String... command) {
    client.secrets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
        .withName(name + "-secret").endMetadata().addToStringData("greeting", "hello from the secret").build())
        .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    return new JobBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata().withNewSpec()
        .withCompletionMode("Indexed").withCompletions(completions).withParallelism(parallelism).withBackoffLimit(0)
        .withNewTemplate().withNewMetadata().addToLabels("app", "lab-test-worker").endMetadata().withNewSpec()
        .withRestartPolicy("Never").addNewContainer().withName("worker").withImage("tokenlabs-chaos:test")
        .withCommand(command[0], command[1]).withArgs(List.of(command).subList(2, command.length))
        .withEnv(env("POD_NAME", "metadata.name"), env("POD_NAMESPACE", "metadata.namespace"),
            env("JOB_NAME", "metadata.labels['job-name']"),
            new EnvVarBuilder().withName("GREETING").withNewValueFrom().withNewSecretKeyRef().withName(name + "-secret")
                .withKey("greeting").endSecretKeyRef().endValueFrom().build())
        .endContainer().endSpec().endTemplate().endSpec().build();
  }

  private static io.fabric8.kubernetes.api.model.EnvVar env(String name, String field) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(field).endFieldRef()
        .endValueFrom().build();
  }

  private static void create(Job job) {
    client.batch().v1().jobs().inNamespace(NS).resource(job).create();
  }

  private static Job awaitCondition(String job, String type) {
    return await().atMost(WAIT).until(() -> client.batch().v1().jobs().inNamespace(NS).withName(job).get(),
        j -> j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus())));
  }

  private static void awaitRunning(String job, int count) {
    await().atMost(WAIT).until(() -> pods(job).stream()
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count() == count
        && client.batch().v1().jobs().inNamespace(NS).withName(job).get().getStatus() != null
        && client.batch().v1().jobs().inNamespace(NS).withName(job).get().getStatus().getActive() == count);
  }

  private static List<Pod> pods(String job) {
    return new java.util.ArrayList<>(client.pods().inNamespace(NS).withLabel("job-name", job).list().getItems());
  }

  private static List<String> reasons(String job) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(job) && "Job".equals(e.getInvolvedObject().getKind()))
        .map(Event::getReason).toList();
  }

  /**
   * The worker processes this JVM started that are still alive: its java children (the only other
   * children are kubectl's; a command line is not read whole, the class path before the main class is long).
   */
  private static List<ProcessHandle> workersAlive() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().orElse("").endsWith("/java")).toList();
  }
}
