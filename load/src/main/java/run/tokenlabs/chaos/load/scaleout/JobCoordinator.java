package run.tokenlabs.chaos.load.scaleout;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import run.tokenlabs.chaos.load.api.JobWorkers;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.ScaledLoadResult;
import run.tokenlabs.chaos.load.api.spi.ScaleOutExecutor;

/**
 * The coordinator of a scale-out: creates the Indexed Job ({@link WorkerJob}), holds the start barrier
 * ({@link StartBarrier}), collects one result ConfigMap per worker and merges them
 * ({@link ResultMerge}), and removes the Job and the ConfigMaps. A worker that gives no result (its pod
 * failed, never ran, or ran past the wait) fails the whole with what its pod said: never a merge of
 * the others.
 */
public final class JobCoordinator implements ScaleOutExecutor {
  private static final Logger LOG = Logger.getLogger(JobCoordinator.class.getName());
  private final Clock clock;

  /** The coordinator {@link java.util.ServiceLoader} finds, on the system clock. */
  public JobCoordinator() {
    this(Clock.systemUTC());
  }

  JobCoordinator(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void check(LoadSpec spec, JobWorkers workers) {
    WorkerSpec.check(spec, workers.workers());
  }

  @Override
  public void start(KubernetesClient client, String job, LoadSpec spec, JobWorkers workers) {
    Job manifest = WorkerJob.manifest(job, spec, workers);
    client.batch().v1().jobs().inNamespace(workers.namespace()).resource(manifest).create();
  }

  @Override
  public ScaledLoadResult await(KubernetesClient client, String job, LoadSpec spec, JobWorkers workers) {
    String ns = workers.namespace();
    StartBarrier.open(client, ns, job, workers.workers(), workers.startTimeout(), workers.startDelay(), clock);
    Duration wait = workers.startDelay().plus(spec.bounds().duration()).plus(spec.bounds().requestTimeout())
        .plus(WorkerJob.DEADLINE_MARGIN);
    List<WorkerResult> results = awaitResults(client, ns, job, workers.workers(), wait);
    return ResultMerge.merge(spec, workers.workers(), results);
  }

  private List<WorkerResult> awaitResults(KubernetesClient client, String ns, String job, int workers, Duration wait) {
    var found = new AtomicReference<Map<Integer, ConfigMap>>(Map.of());
    try {
      Awaitility.await("results of the " + workers + " workers of Job " + ns + "/" + job).atMost(wait)
          .pollDelay(Duration.ZERO).pollInterval(StartBarrier.POLL)
          .until(() -> {
            Map<Integer, ConfigMap> now = results(client, ns, job, workers);
            found.set(now);
            if (now.size() == workers) {
              return true;
            }
            // a worker whose pod ended without its result will never give one: fail now, not at the deadline
            List<Pod> pods = WorkerPods.of(client, ns, job);
            boolean endedWithout = IntStream.range(0, workers).anyMatch(i -> !now.containsKey(i)
                && WorkerPods.ofIndex(pods, i).flatMap(p -> WorkerPods.firstEnded(List.of(p))).isPresent());
            if (endedWithout) {
              Map<Integer, ConfigMap> again = results(client, ns, job, workers); // it may have published, then ended
              found.set(again);
              if (again.size() < workers) {
                throw missing(client, ns, job, workers, again, null);
              }
            }
            return found.get().size() == workers;
          });
    } catch (ConditionTimeoutException e) {
      throw missing(client, ns, job, workers, found.get(), e);
    }
    var out = new ArrayList<WorkerResult>();
    found.get().forEach((i, cm) -> out.add(WorkerResult.fromJson(cm.getData().get(LoadWorker.RESULT_KEY),
        "ConfigMap " + ns + "/" + cm.getMetadata().getName())));
    return out;
  }

  private static Map<Integer, ConfigMap> results(KubernetesClient client, String ns, String job, int workers) {
    var byIndex = new TreeMap<Integer, ConfigMap>();
    for (int i = 0; i < workers; i++) {
      ConfigMap cm = client.configMaps().inNamespace(ns).withName(WorkerJob.resultConfigMap(job, i)).get();
      if (cm != null && cm.getData() != null && cm.getData().containsKey(LoadWorker.RESULT_KEY)) {
        byIndex.put(i, cm);
      }
    }
    return byIndex;
  }

  private static IllegalStateException missing(KubernetesClient client, String ns, String job, int workers,
      Map<Integer, ConfigMap> found, Exception cause) {
    List<Pod> pods = WorkerPods.of(client, ns, job);
    var lines = new ArrayList<String>();
    for (int i = 0; i < workers; i++) {
      if (!found.containsKey(i)) {
        int index = i;
        lines.add("worker " + i + ": " + WorkerPods.ofIndex(pods, i).map(p -> WorkerDiagnosis.of(client, ns, p))
            .orElse("no pod with index " + index + " (the Job created none; kubectl describe job -n " + ns + " " + job
                + ")"));
      }
    }
    return new IllegalStateException("The scale-out load of Job " + ns + "/" + job + " is incomplete: " + lines.size()
        + " of " + workers + " workers gave no result " + (cause == null ? "and ended" : "in time") + ", so nothing "
        + "was merged (a merge of the others would pass part of the load off as the whole). " + String.join("; ", lines),
        cause);
  }

  @Override
  public void remove(KubernetesClient client, String namespace, String job, int workers, Duration timeout) {
    client.batch().v1().jobs().inNamespace(namespace).withName(job)
        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    client.configMaps().inNamespace(namespace).withName(WorkerJob.startConfigMap(job)).delete();
    for (int i = 0; i < workers; i++) {
      client.configMaps().inNamespace(namespace).withName(WorkerJob.resultConfigMap(job, i)).delete();
    }
    try {
      Awaitility.await("Job " + namespace + "/" + job + " gone").atMost(timeout).pollDelay(Duration.ZERO)
          .pollInterval(StartBarrier.POLL)
          .until(() -> client.batch().v1().jobs().inNamespace(namespace).withName(job).get() == null);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("Load-worker Job " + namespace + "/" + job + " was deleted but is still there "
          + "after " + timeout.toSeconds() + " s (a finalizer?); check kubectl get job -n " + namespace + " " + job, e);
    }
    LOG.fine(() -> "Removed load-worker Job " + namespace + "/" + job + " and its ConfigMaps");
  }
}
