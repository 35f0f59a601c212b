package run.tokenlabs.chaos.load.scaleout;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import run.tokenlabs.chaos.load.api.JobWorkers;
import run.tokenlabs.chaos.load.api.LoadSpec;

/**
 * The Indexed Job of a scale-out and the names of what belongs to it. One pod per worker, all at once
 * ({@code completions = parallelism = workers}), none retried ({@code backoffLimit 0}, restart policy
 * Never: a retried worker would run its share twice, or late), and the whole Job bounded by
 * {@code activeDeadlineSeconds}: start timeout, start delay, the load's duration and request timeout,
 * and {@link #DEADLINE_MARGIN}, after which Kubernetes stops whatever still runs.
 */
final class WorkerJob {
  /** The command a worker container runs: the runner image's launcher, dispatching to {@link LoadWorker}. */
  static final List<String> COMMAND = List.of("tokenlabs-chaos", "load-worker");
  /** Slack after the load's own bounds: JVM start, publishing the result. */
  static final Duration DEADLINE_MARGIN = Duration.ofSeconds(30);
  /** The label every object of one scale-out carries, valued with the Job's name. */
  static final String SCALE_OUT_LABEL = "tokenlabs.run/scale-out";
  static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
  static final String INDEX_LABEL = "batch.kubernetes.io/job-completion-index";
  static final String POD_NAME_ENV = "POD_NAME";

  private WorkerJob() {
  }

  static String startConfigMap(String job) {
    return job + "-start";
  }

  static String resultConfigMap(String job, int index) {
    return job + "-result-" + index;
  }

  static Map<String, String> labels(String job) {
    return Map.of("app.kubernetes.io/name", "tokenlabs-chaos-load-worker",
        "app.kubernetes.io/managed-by", "tokenlabs-chaos", SCALE_OUT_LABEL, job);
  }

  /** How long the workers may wait for their start instant: until the coordinator gives up waiting for them all. */
  static Duration barrierTimeout(JobWorkers workers) {
    return workers.startTimeout().plus(workers.startDelay()).plus(DEADLINE_MARGIN);
  }

  static long deadlineSeconds(LoadSpec spec, JobWorkers workers) {
    return barrierTimeout(workers).plus(spec.bounds().duration()).plus(spec.bounds().requestTimeout())
        .plus(DEADLINE_MARGIN).toSeconds();
  }

  static Job manifest(String job, LoadSpec spec, JobWorkers workers) {
    WorkerSpec workerSpec = WorkerSpec.of(spec, job, workers.namespace(), workers.workers(), barrierTimeout(workers));
    var env = new ArrayList<EnvVar>();
    env.add(new EnvVarBuilder().withName(POD_NAME_ENV).withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
        .endFieldRef().endValueFrom().build());
    workers.bearerTokenSecret().ifPresent(ref -> env.add(new EnvVarBuilder().withName(WorkerSpec.BEARER_TOKEN_ENV)
        .withNewValueFrom().withNewSecretKeyRef().withName(ref.substring(0, ref.indexOf('/')))
        .withKey(ref.substring(ref.indexOf('/') + 1)).endSecretKeyRef().endValueFrom().build()));
    Quantity memory = new Quantity(workers.memory());
    return new JobBuilder()
        .withNewMetadata().withName(job).withNamespace(workers.namespace()).withLabels(labels(job)).endMetadata()
        .withNewSpec()
          .withCompletionMode("Indexed")
          .withCompletions(workers.workers())
          .withParallelism(workers.workers())
          .withBackoffLimit(0)
          .withActiveDeadlineSeconds(deadlineSeconds(spec, workers))
          .withNewTemplate()
            .withNewMetadata().withLabels(labels(job)).endMetadata()
            .withNewSpec()
              .withRestartPolicy("Never")
              .withServiceAccountName(workers.serviceAccount().orElse(null))
              // what Pod Security "restricted" asks: a load client needs no privilege
              .withNewSecurityContext().withRunAsNonRoot(true).withNewSeccompProfile().withType("RuntimeDefault")
                .endSeccompProfile().endSecurityContext()
              .addNewContainer()
                .withName("load-worker")
                .withImage(workers.image())
                .withCommand(COMMAND)
                .withArgs("--spec", workerSpec.toJson())
                .withEnv(env)
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL")
                  .endCapabilities().endSecurityContext()
                .withNewResources()
                  .withRequests(Map.of("cpu", new Quantity(workers.cpuRequest()), "memory", memory))
                  .withLimits(Map.of("memory", memory))
                .endResources()
              .endContainer()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }
}
