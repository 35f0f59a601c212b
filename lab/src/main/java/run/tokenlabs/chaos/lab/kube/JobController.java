package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The lab's Job controller and, for Job pods, its kubelet: an Indexed {@code batch/v1} Job gets one pod
 * per completion index (at most {@code parallelism} active at once), and each pod's container runs as a
 * local JVM process ({@link LocalWorker}) when its command starts with one the lab knows
 * ({@link JobCommands}); a pod whose command it does not know fails at once, saying how to register it.
 * Pod and Job status, conditions and Events follow as the real controller writes them; a Job fails once
 * more pods failed than its {@code backoffLimit}, or when it ran longer than its
 * {@code activeDeadlineSeconds} (or the lab's bound for Jobs without one). Deleting a Job or a pod kills
 * its processes; the Job's pods go with it unless the delete orphaned them. Closing kills every process.
 *
 * <p>Every change happens on one thread, so the state of a Job ({@link JobRun}) needs no locking.
 */
public final class JobController implements AutoCloseable {
  /** How long a Job without {@code activeDeadlineSeconds} may run on the lab before it is failed. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(10);
  private static final Logger LOG = Logger.getLogger(JobController.class.getName());
  private static final EventRecorder.Source JOB_CONTROLLER = new EventRecorder.Source("job-controller", "");

  private record Worker(String jobUid, int index, LocalWorker process) {}

  private final KubernetesClient client;
  private final Path kubeconfig;
  private final PodLogs logs;
  private final DeletePropagation deletions;
  private final JobCommands commands;
  private final Path logDir;
  private final String node;
  private final Duration defaultDeadline;
  private final EventRecorder events;
  private final Map<String, JobRun> runs = new ConcurrentHashMap<>();
  /** Pods ({@code namespace/name}) whose process runs. */
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lab-job-controller");
    t.setDaemon(true);
    return t;
  });
  private SharedIndexInformer<Job> jobInformer;
  private SharedIndexInformer<Pod> podInformer;
  private volatile boolean closed;

  /**
   * @param api the lab's API server (client, kubeconfig, pod logs, delete options)
   * @param mainClasses command prefix to the main class that runs it
   * @param logDir where each pod's log file goes
   * @param node the node Job pods are bound to
   */
  public JobController(KubeApi api, Map<List<String>, String> mainClasses, Path logDir, String node) {
    this(api, mainClasses, logDir, node, DEFAULT_DEADLINE);
  }

  JobController(KubeApi api, Map<List<String>, String> mainClasses, Path logDir, String node,
      Duration defaultDeadline) {
    this.client = api.client();
    this.kubeconfig = api.kubeconfig();
    this.logs = api.podLogs();
    this.deletions = api.deletions();
    this.commands = new JobCommands(mainClasses);
    this.logDir = logDir;
    this.node = node;
    this.defaultDeadline = defaultDeadline;
    this.events = new EventRecorder(client, Clock.systemUTC());
  }

  public JobController start() {
    jobInformer = client.batch().v1().jobs().inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Job job) {
        submit(() -> reconcile(job));
      }

      @Override
      public void onUpdate(Job old, Job job) {
        submit(() -> reconcile(job));
      }

      @Override
      public void onDelete(Job job, boolean finalStateUnknown) {
        submit(() -> jobDeleted(job));
      }
    }, 0);
    podInformer = client.pods().inAnyNamespace().withLabel(JobPods.BATCH_JOB_NAME).inform(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            Worker w = workers.remove(key(pod));
            if (w != null) {
              w.process().terminate(); // at once, not behind queued work: this is the moment the pod dies
            }
            submit(() -> podDeleted(pod, w));
          }
        }, 0);
    return this;
  }

  private void reconcile(Job seen) {
    if (closed || !isIndexed(seen)) {
      return;
    }
    JobRun run = runs.get(seen.getMetadata().getUid());
    if (run == null) {
      run = new JobRun(seen, now());
      runs.put(run.uid, run);
      Long seconds = seen.getSpec().getActiveDeadlineSeconds();
      JobRun started = run;
      boolean own = seconds != null;
      Duration bound = own ? Duration.ofSeconds(seconds) : defaultDeadline;
      run.deadline = loop.schedule(() -> submit(() -> deadlineExceeded(started, own)), bound.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    run.job = seen;
    if (!run.finished()) {
      advance(run);
    }
    writeStatus(run);
  }

  /** Fails, completes or starts pods, whichever the Job's counts call for. */
  private void advance(JobRun run) {
    if (run.failed > run.backoffLimit()) {
      fail(run, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
      return;
    }
    if (run.succeeded.size() >= run.completions()) {
      run.active.clear();
      run.complete(now());
      run.deadline.cancel(false);
      events.normal(run.job, null, "Completed", "Job completed", JOB_CONTROLLER);
      return;
    }
    for (int index = 0; index < run.completions() && run.active.size() < run.parallelism(); index++) {
      if (!run.succeeded.contains(index) && !run.active.containsKey(index)) {
        createPod(run, index);
      }
    }
  }

  private void createPod(JobRun run, int index) {
    Pod pod;
    try {
      pod = client.pods().inNamespace(run.namespace).resource(JobPods.pod(run.job, index, node)).create();
    } catch (RuntimeException e) {
      LOG.log(closed ? Level.FINE : Level.WARNING, "could not create pod " + index + " of Job " + run.name, e);
      return;
    }
    String name = pod.getMetadata().getName();
    run.active.put(index, name);
    events.normal(run.job, null, "SuccessfulCreate", "Created pod: " + name, JOB_CONTROLLER);
    var container = pod.getSpec().getContainers().get(0);
    List<String> line = JobCommands.commandLine(container);
    Optional<JobCommands.Launch> launch = commands.resolve(line);
    if (launch.isEmpty()) {
      startFailed(run, pod, "StartError", commands.unknown(line));
      return;
    }
    Map<String, String> env;
    try {
      env = new LinkedHashMap<>(WorkerEnv.of(pod, JobPodStatus.POD_IP, client));
    } catch (WorkerEnv.ConfigError e) {
      startFailed(run, pod, "CreateContainerConfigError", e.getMessage());
      return;
    }
    env.put("KUBECONFIG", kubeconfig.toString());
    Path log = logDir.resolve(run.namespace + "_" + name + ".log");
    String podKey = key(pod);
    try {
      LocalWorker process = LocalWorker.start(name, container, launch.get(), env, log,
          code -> submit(() -> exited(podKey, code)));
      workers.put(podKey, new Worker(run.uid, index, process));
    } catch (IOException e) {
      startFailed(run, pod, "StartError", "the lab could not start java for " + line + ": " + e.getMessage());
      return;
    }
    logs.register(run.namespace, name, log);
    events.podStarted(pod, node, container.getName(), container.getImage());
    run.running.add(name);
    JobPodStatus.write(client, pod, "Running", JobPodStatus.running(container.getName()), null);
  }

  /** A container that could not start: the pod fails at once, with the reason on it and a Warning event. */
  private void startFailed(JobRun run, Pod pod, String reason, String message) {
    String container = pod.getSpec().getContainers().get(0).getName();
    events.warning(pod, "Failed", "Error: " + message, EventRecorder.Source.kubelet(node));
    JobPodStatus.write(client, pod, "Failed", JobPodStatus.terminated(container, 128, reason, message), message);
    run.active.remove(JobPods.index(pod));
    run.failed++;
    submit(() -> reconcileByUid(run.uid));
  }

  /** A worker process ended on its own or was killed: its pod succeeds or fails, and the Job moves on. */
  private void exited(String podKey, int code) {
    Worker w = workers.remove(podKey);
    if (w == null) {
      return; // its pod was deleted: handled there
    }
    w.process().close(); // ended: this only drops its shutdown hook
    String[] nsName = podKey.split("/", 2);
    Pod pod = client.pods().inNamespace(nsName[0]).withName(nsName[1]).get();
    if (pod != null) {
      String container = pod.getSpec().getContainers().get(0).getName();
      JobPodStatus.write(client, pod, code == 0 ? "Succeeded" : "Failed",
          JobPodStatus.terminated(container, code, code == 0 ? "Completed" : "Error", null), null);
      if (w.process().killed()) {
        events.normal(pod, "spec.containers{" + container + "}", "Killing", "Stopping container " + container,
            EventRecorder.Source.kubelet(node));
      }
    }
    JobRun run = runs.get(w.jobUid());
    if (run == null || run.finished()) {
      return;
    }
    run.active.remove(w.index());
    run.running.remove(nsName[1]);
    if (code == 0) {
      run.succeeded.add(w.index());
    } else {
      run.failed++;
    }
    reconcileByUid(run.uid);
  }

  private void podDeleted(Pod pod, Worker worker) {
    logs.forget(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    if (worker != null) {
      worker.process().close();
    }
    JobRun run = worker == null ? null : runs.get(worker.jobUid());
    if (run != null && !run.finished()) {
      // a deleted active pod counts as failed, and its index gets a new pod while the backoff limit allows
      run.active.remove(worker.index());
      run.running.remove(pod.getMetadata().getName());
      run.failed++;
      reconcileByUid(run.uid);
    }
  }

  private void jobDeleted(Job job) {
    JobRun run = runs.remove(job.getMetadata().getUid());
    if (run != null && run.deadline != null) {
      run.deadline.cancel(false);
    }
    List<Worker> killed = new ArrayList<>();
    workers.forEach((podKey, w) -> {
      if (w.jobUid().equals(job.getMetadata().getUid())) {
        w.process().terminate();
        killed.add(w);
      }
    });
    killed.forEach(w -> w.process().close()); // their exits, queued behind this, mark orphaned pods Failed
    String policy = deletions.take(job.getMetadata().getNamespace(), job.getMetadata().getName());
    if (!"Orphan".equals(policy)) {
      for (Pod pod : ownedPods(job)) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .withGracePeriod(0).delete();
      }
    }
  }

  private void deadlineExceeded(JobRun run, boolean own) {
    if (runs.get(run.uid) != run || run.finished()) {
      return;
    }
    fail(run, "DeadlineExceeded", own ? "Job was active longer than specified deadline"
        : "Job was active longer than the lab's bound of " + defaultDeadline.toMinutes() + " min for a Job "
            + "without activeDeadlineSeconds; set activeDeadlineSeconds to allow more");
    writeStatus(run);
  }

  /** Ends the Job as failed and kills its running processes (their pods end Failed). */
  private void fail(JobRun run, String reason, String message) {
    run.fail(reason, message, now());
    run.deadline.cancel(false);
    events.warning(run.job, reason, message, JOB_CONTROLLER);
    List<Worker> killed = new ArrayList<>();
    workers.forEach((podKey, w) -> {
      if (w.jobUid().equals(run.uid)) {
        w.process().terminate();
        killed.add(w);
      }
    });
    killed.forEach(w -> w.process().close()); // their exits write the pods' status, after the Job's
    run.active.clear();
    run.running.clear();
  }

  /**
   * Runs {@code task} on the controller's thread; after close, when that thread is gone, drops it. A task
   * that fails is logged: the executor would keep its exception in a future nobody reads, and the Job would
   * stall with no word of why.
   */
  private void submit(Runnable task) {
    try {
      loop.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "the lab's Job controller failed a step; the Job it concerns may stall", e);
        }
      });
    } catch (RejectedExecutionException closing) {
      LOG.log(Level.FINE, "the Job controller is closed; a worker's exit is not recorded", closing);
    }
  }

  private void reconcileByUid(String uid) {
    JobRun run = runs.get(uid);
    if (run != null) {
      Job current = client.batch().v1().jobs().inNamespace(run.namespace).withName(run.name).get();
      if (current != null && uid.equals(current.getMetadata().getUid())) {
        reconcile(current);
      }
    }
  }

  private List<Pod> ownedPods(Job job) {
    return client.pods().inNamespace(job.getMetadata().getNamespace())
        .withLabel(JobPods.BATCH_JOB_NAME, job.getMetadata().getName()).list().getItems().stream()
        .filter(p -> p.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> job.getMetadata().getUid().equals(o.getUid())))
        .toList();
  }

  private void writeStatus(JobRun run) {
    var status = run.status();
    if (status.equals(run.written)) {
      return; // writing it again would only wake the informer, which reconciles again
    }
    try {
      client.batch().v1().jobs().inNamespace(run.namespace).withName(run.name)
          .editStatus(j -> new JobBuilder(j).withStatus(status).build());
      run.written = status;
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "Job " + run.name + " vanished before its status was written", e);
    }
  }

  private static boolean isIndexed(Job job) {
    return job.getSpec() != null && "Indexed".equals(job.getSpec().getCompletionMode());
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  /** Stops watching and kills every worker process (SIGTERM to all, then each awaited or killed). */
  @Override
  public void close() {
    closed = true;
    if (jobInformer != null) { // first: no event may reach a stopped loop
      jobInformer.close();
    }
    if (podInformer != null) {
      podInformer.close();
    }
    loop.shutdownNow();
    try {
      if (!loop.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warning("the Job controller's thread did not stop within 10 s; killing its processes anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Worker> all = new ArrayList<>(workers.values());
    workers.clear();
    all.forEach(w -> w.process().terminate());
    all.forEach(w -> w.process().close());
  }
}
