package run.tokenlabs.chaos.load.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.load.api.JobWorkers;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.ScaledLoadResult;

/**
 * What runs a {@link run.tokenlabs.chaos.load.api.ScaleOut}: creates the Indexed Job of load workers,
 * holds their start barrier, collects and merges their results, and removes what it created. Found
 * through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/run.tokenlabs.chaos.load.api.spi.ScaleOutExecutor}) so that the API does not
 * depend on its implementation; the load module provides the one used, an experiment never calls it.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface ScaleOutExecutor {

  /** Refuses, with the reason, a load that cannot be split over these workers; changes nothing. */
  void check(LoadSpec spec, JobWorkers workers);

  /** Creates Job {@code job} of {@code workers} running their shares of {@code spec}. */
  void start(KubernetesClient client, String job, LoadSpec spec, JobWorkers workers);

  /**
   * Waits for every worker to run, starts them together, waits for every result and merges them
   * exactly; fails naming each worker that gave none and what its pod said.
   */
  ScaledLoadResult await(KubernetesClient client, String job, LoadSpec spec, JobWorkers workers);

  /** Deletes Job {@code job} (its pods with it) and its ConfigMaps; idempotent. */
  void remove(KubernetesClient client, String namespace, String job, int workers, Duration timeout);
}
