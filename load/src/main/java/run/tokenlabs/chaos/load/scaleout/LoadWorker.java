package run.tokenlabs.chaos.load.scaleout;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import run.tokenlabs.chaos.api.Secret;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;

/**
 * One load worker of a scale-out, as a pod of the coordinator's Indexed Job runs it
 * ({@code tokenlabs-chaos load-worker --spec <json>}): reads the whole load ({@link WorkerSpec}) from
 * its arguments and its index from {@code JOB_COMPLETION_INDEX}, takes its share, waits for the start
 * barrier ({@link StartBarrier}), runs its share with the load generator and publishes its
 * {@link WorkerResult} as ConfigMap {@code <job>-result-<index>} (key {@value #RESULT_KEY}) through the
 * Kubernetes API: in-cluster credentials in a pod, {@code KUBECONFIG} elsewhere.
 *
 * <p>Exit code 0 when its share ran and the result is published; 1 with the reason on standard error
 * otherwise (the coordinator quotes the pod's last log lines); 64 for a usage error.
 */
public final class LoadWorker {
  static final String RESULT_KEY = "result.json";
  static final String INDEX_ENV = "JOB_COMPLETION_INDEX";
  /** A ConfigMap holds at most 1 MiB; a result is a few tens of KiB, and one past this bound is refused. */
  static final int MAX_RESULT_BYTES = 900 * 1024;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 64;

  /**
   * Vert.x (the Kubernetes client's HTTP transport) warns of a blocked event loop whenever the pod is short of
   * CPU; those lines would crowd the worker's own out of the log lines an error quotes. Held here: a logger
   * nobody references may be collected, and its level with it.
   */
  private static final Logger VERTX_BLOCKED_THREADS = Logger.getLogger("io.vertx.core.impl.BlockedThreadChecker");

  private LoadWorker() {
  }

  public static void main(String[] args) {
    VERTX_BLOCKED_THREADS.setLevel(Level.SEVERE);
    int code;
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      code = run(args, System.getenv(), client, Clock.systemUTC(), System.err);
    }
    System.exit(code);
  }

  /** Runs the worker and returns its exit code; every failure is written to {@code err}, never thrown. */
  static int run(String[] args, Map<String, String> env, KubernetesClient client, Clock clock, PrintStream err) {
    WorkerSpec spec;
    int index;
    try {
      spec = WorkerSpec.fromJson(specArgument(args));
      index = index(env.get(INDEX_ENV));
      Shares.of(1, spec.workers(), index);
    } catch (IllegalArgumentException e) {
      err.println("load-worker: " + e.getMessage());
      return EXIT_USAGE;
    }
    try {
      Optional<Secret> token = Optional.ofNullable(spec.bearerTokenEnv()).map(env::get).map(Secret::of);
      LoadSpec share = spec.shareOf(index, token);
      err.println("load-worker " + index + " of " + spec.workers() + " (Job " + spec.job() + "): " + share.plan());
      Instant start = StartBarrier.await(client, spec.namespace(), spec.job(), Duration.ofMillis(spec.barrierTimeoutMillis()));
      err.println("load-worker " + index + ": start barrier open, the load starts at " + start);
      waitUntil(start, clock);
      LoadResult result = share.run();
      String pod = env.getOrDefault(WorkerJob.POD_NAME_ENV, "worker-" + index);
      publish(client, spec, WorkerResult.of(index, pod, result));
      err.println("load-worker " + index + ": published " + result);
      return 0;
    } catch (RuntimeException e) {
      err.println("load-worker " + index + " of Job " + spec.job() + " failed: " + e.getMessage()
          + (e.getCause() == null ? "" : " (cause: " + e.getCause() + ")"));
      return EXIT_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("load-worker " + index + " of Job " + spec.job() + " was interrupted before its start");
      return EXIT_FAILED;
    }
  }

  private static String specArgument(String[] args) {
    if (args.length != 2 || !"--spec".equals(args[0])) {
      throw new IllegalArgumentException("expected arguments --spec <json>, as the coordinator's Job gives them, got "
          + args.length + " argument(s); the worker is started by a scale-out's Job, not by hand");
    }
    return args[1];
  }

  private static int index(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("environment variable " + INDEX_ENV + " is '" + value + "', expected the "
          + "pod's completion index (a number); the worker runs in a pod of an Indexed Job, which sets it");
    }
  }

  /** One wait until the common start instant (not a poll: the instant is known). */
  private static void waitUntil(Instant start, Clock clock) throws InterruptedException {
    long millis = Duration.between(clock.instant(), start).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  static void publish(KubernetesClient client, WorkerSpec spec, WorkerResult result) {
    String json = result.toJson();
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_RESULT_BYTES) {
      throw new IllegalStateException("The result is " + bytes + " bytes, over the " + MAX_RESULT_BYTES + " a "
          + "ConfigMap may safely hold; this is a defect of the load worker, report it with the load's spec");
    }
    ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(WorkerJob.resultConfigMap(spec.job(), result.index()))
        .withNamespace(spec.namespace()).withLabels(WorkerJob.labels(spec.job())).endMetadata()
        .addToData(RESULT_KEY, json).build();
    client.configMaps().inNamespace(spec.namespace()).resource(cm).create();
  }
}
