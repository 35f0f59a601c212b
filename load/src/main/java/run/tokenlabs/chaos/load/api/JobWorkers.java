package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Where and how a {@link ScaleOut} runs its load workers: {@code workers} pods of one Kubernetes Indexed
 * Job in {@code namespace}, each running the runner image's {@code tokenlabs-chaos load-worker}.
 *
 * <p>{@code startTimeout} bounds the wait for every worker pod to be Running (image pull, scheduling);
 * once they all are, the coordinator sets the common start instant {@code startDelay} ahead, so each
 * worker has read it before it comes. Worker pods get CPU and memory requests and a memory limit, and
 * no CPU limit: a throttled client delays its own timestamps, which would show as server latency. A
 * bearer token reaches the workers only as a reference to a Secret ({@link #withBearerTokenFrom}),
 * never in the Job's manifest.
 *
 * @param image the runner image the workers run, by digest on a real cluster
 * @param serviceAccount the workers' ServiceAccount (it needs configmaps get and create in the namespace)
 * @param bearerTokenSecret {@code <secret>/<key>} of the endpoint's bearer token, if it has one
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record JobWorkers(String namespace, int workers, String image, Optional<String> serviceAccount,
                         String cpuRequest, String memory, Optional<String> bearerTokenSecret, Duration startTimeout,
                         Duration startDelay) {

  /** The runner image the runner module's Jib recipe builds; give yours by digest with {@link #withImage}. */
  public static final String DEFAULT_IMAGE = "tokenlabs-chaos-runner:0.1.0";

  /** The ServiceAccount {@code k8s-rbac/scale-out/role-load-workers.yaml} creates for the workers. */
  public static final String DEFAULT_SERVICE_ACCOUNT = "tokenlabs-chaos-load-worker";

  public JobWorkers {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    Objects.requireNonNull(cpuRequest, "cpuRequest");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(bearerTokenSecret, "bearerTokenSecret");
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(startDelay, "startDelay");
    if (namespace.isBlank()) {
      throw new IllegalArgumentException("JobWorkers namespace must not be blank; give the namespace the workers run in");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("JobWorkers needs at least 1 worker, was " + workers);
    }
    if (startTimeout.isNegative() || startTimeout.isZero() || startDelay.isNegative()) {
      throw new IllegalArgumentException("JobWorkers start timeout must be > 0 and start delay >= 0, were "
          + startTimeout + " and " + startDelay);
    }
    bearerTokenSecret.ifPresent(ref -> {
      if (!ref.matches("[a-z0-9.-]+/[-._a-zA-Z0-9]+")) {
        throw new IllegalArgumentException("Bearer token Secret must be given as <secret>/<key>, was '" + ref + "'");
      }
    });
  }

  /**
   * {@code workers} pods in {@code namespace} running {@link #DEFAULT_IMAGE} as {@link #DEFAULT_SERVICE_ACCOUNT},
   * requesting 1 CPU and 1 GiB each, at most 2 min to start, the load starting 3 s after the last pod runs.
   */
  public static JobWorkers kubernetesJob(String namespace, int workers) {
    return new JobWorkers(namespace, workers, DEFAULT_IMAGE, Optional.of(DEFAULT_SERVICE_ACCOUNT), "1", "1Gi",
        Optional.empty(), Duration.ofMinutes(2), Duration.ofSeconds(3));
  }

  public JobWorkers withImage(String newImage) {
    return new JobWorkers(namespace, workers, newImage, serviceAccount, cpuRequest, memory, bearerTokenSecret,
        startTimeout, startDelay);
  }

  /** Runs the workers as {@code account}; empty: the namespace's default ServiceAccount. */
  public JobWorkers withServiceAccount(Optional<String> account) {
    return new JobWorkers(namespace, workers, image, account, cpuRequest, memory, bearerTokenSecret, startTimeout,
        startDelay);
  }

  /** Each worker requests {@code cpu} and {@code memoryRequestAndLimit} (Kubernetes quantities, e.g. "2", "2Gi"). */
  public JobWorkers withResources(String cpu, String memoryRequestAndLimit) {
    return new JobWorkers(namespace, workers, image, serviceAccount, cpu, memoryRequestAndLimit, bearerTokenSecret,
        startTimeout, startDelay);
  }

  /** The workers read the endpoint's bearer token from key {@code key} of Secret {@code secret}. */
  public JobWorkers withBearerTokenFrom(String secret, String key) {
    return new JobWorkers(namespace, workers, image, serviceAccount, cpuRequest, memory,
        Optional.of(secret + "/" + key), startTimeout, startDelay);
  }

  public JobWorkers withStart(Duration timeout, Duration delay) {
    return new JobWorkers(namespace, workers, image, serviceAccount, cpuRequest, memory, bearerTokenSecret, timeout,
        delay);
  }
}
