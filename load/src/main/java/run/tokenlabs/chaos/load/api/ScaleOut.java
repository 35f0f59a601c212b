package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.TargetActions;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.load.api.spi.ScaleOutExecutor;

/**
 * One load run by several clients: {@link JobWorkers#workers()} pods of a Kubernetes Indexed Job, each
 * running its share of {@code spec} (sessions, rate and request bound split so the shares sum to the
 * whole), started together at one instant, their ledgers and histograms merged exactly
 * ({@link ScaledLoadResult}). For a load one JVM cannot drive.
 *
 * <p>Inside an experiment it is injected like a fault, so its rollback ({@link RemoveWorkers}: delete the
 * Job and its ConfigMaps) is registered before the Job exists and runs whatever becomes of the
 * experiment, also from the next run when this JVM was killed; the Job's namespace passes the engine's
 * blast-radius checks like any fault's. The Job is bounded by itself as well: its
 * {@code activeDeadlineSeconds} covers the start, the load's bounds and a margin, after which
 * Kubernetes stops the workers.
 *
 * <pre>{@code
 * ScaleOut load = ScaleOut.of("8 sessions on 2 workers", Load.closedLoop(endpoint, 8),
 *     JobWorkers.kubernetesJob("token-labs", 2));
 * chaos.inject(load);
 * ScaledLoadResult result = load.awaitResult();
 * }</pre>
 *
 * Outside an experiment, {@link #run(KubernetesClient)} does the same and removes the Job at the end.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ScaleOut implements Fault<ScaleOut.RemoveWorkers> {
  /** How long the removal of the Job and its ConfigMaps may wait for the Job to be gone. */
  private static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final LoadSpec spec;
  private final JobWorkers workers;
  private final String job;
  private volatile KubernetesClient client;

  private ScaleOut(String name, LoadSpec spec, JobWorkers workers) {
    this.name = Objects.requireNonNull(name, "name");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.workers = Objects.requireNonNull(workers, "workers");
    if (spec.endpoint().bearerToken().isPresent() && workers.bearerTokenSecret().isEmpty()) {
      throw new IllegalArgumentException("The endpoint has a bearer token, but the workers were given no Secret to "
          + "read it from, and the token must not be written into the Job's manifest; give "
          + "JobWorkers.withBearerTokenFrom(secret, key)");
    }
    executor().check(spec, workers);
    this.job = jobName(name);
  }

  /** {@code spec} run by {@code workers}; nothing starts before it is injected or {@link #run}. */
  public static ScaleOut of(String name, LoadSpec spec, JobWorkers workers) {
    return new ScaleOut(name, spec, workers);
  }

  /** The name of the Job this load creates: {@code load-<name>-<5 random characters>}. */
  public String jobName() {
    return job;
  }

  @Override
  public String description() {
    return "scale-out load '" + name + "': Indexed Job " + workers.namespace() + "/" + job + " of " + workers.workers()
        + " workers (" + workers.image() + "), " + spec.plan();
  }

  @Override
  public Set<String> namespaces() {
    return Set.of(workers.namespace());
  }

  @Override
  public RemoveWorkers prepare(Target target) {
    return new RemoveWorkers(workers.namespace(), job, workers.workers());
  }

  @Override
  public void act(Target target, RemoveWorkers rollback) {
    KubernetesClient kubernetes = target.kubernetes();
    executor().start(kubernetes, job, spec, workers);
    client = kubernetes;
  }

  /**
   * Waits for the workers (start barrier, then every result, within the load's bounds and a margin) and
   * merges their results. The Job and its ConfigMaps stay until the rollback removes them, at the end of
   * the experiment whatever its outcome, so they can be inspected until then.
   *
   * @throws IllegalStateException naming each worker that gave no result and what its pod said
   */
  public ScaledLoadResult awaitResult() {
    KubernetesClient kubernetes = client;
    if (kubernetes == null) {
      throw new IllegalStateException("Scale-out load '" + name + "' was not started; inject it first "
          + "(chaos.inject(load)), or call run(client) outside an experiment");
    }
    return executor().await(kubernetes, job, spec, workers);
  }

  /**
   * Outside an experiment: creates the Job through {@code kubernetes}, awaits the merged result and
   * removes the Job and its ConfigMaps, also when the load fails. In a dry run nothing is created.
   */
  public ScaledLoadResult run(KubernetesClient kubernetes) {
    TargetActions.announce(description());
    ScaledLoadResult result;
    try {
      executor().start(kubernetes, job, spec, workers);
      client = kubernetes;
      result = awaitResult();
    } catch (RuntimeException loadFailed) {
      try {
        executor().remove(kubernetes, workers.namespace(), job, workers.workers(), REMOVE_TIMEOUT);
      } catch (RuntimeException cleanupFailed) {
        loadFailed.addSuppressed(cleanupFailed); // the load's own failure says what went wrong first
      }
      throw loadFailed;
    }
    executor().remove(kubernetes, workers.namespace(), job, workers.workers(), REMOVE_TIMEOUT);
    return result;
  }

  private static String jobName(String name) {
    String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    slug = slug.length() > 24 ? slug.substring(0, 24).replaceAll("-+$", "") : slug;
    var suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append("bcdfghjklmnpqrstvwxz2456789".charAt(RANDOM.nextInt(27)));
    }
    return "load-" + (slug.isEmpty() ? "" : slug + "-") + suffix;
  }

  static ScaleOutExecutor executor() {
    return Holder.EXECUTOR;
  }

  /** Finds the executor once, on first use (a holder class: no lock after that). */
  private static final class Holder {
    static final ScaleOutExecutor EXECUTOR = ServiceLoader.load(ScaleOutExecutor.class,
            ScaleOut.class.getClassLoader()).findFirst()
        .orElseThrow(() -> new IllegalStateException("No " + ScaleOutExecutor.class.getName() + " on the class path, "
            + "so a scale-out load has nothing to run it. The tokenlabs-chaos-load jar lists it in META-INF/services/"
            + ScaleOutExecutor.class.getName() + ": check that the jar is complete"));
  }

  /**
   * The undo of a scale-out load: delete its Job (propagation Background, so Kubernetes removes the
   * worker pods and stops their loads) and its ConfigMaps ({@code <job>-start}, {@code <job>-result-<i>}).
   * Idempotent: what is already gone is skipped.
   *
   * @param namespace where the Job runs
   * @param job the Job's name
   * @param workers how many workers it has (which result ConfigMaps to delete)
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record RemoveWorkers(String namespace, String job, int workers) implements Rollback {

    @Override
    public String description() {
      return "delete load-worker Job " + namespace + "/" + job + " and its ConfigMaps " + job + "-start, " + job
          + "-result-0.." + (workers - 1);
    }

    @Override
    public Set<String> namespaces() {
      return Set.of(namespace);
    }

    @Override
    public void undo(Target target, Duration timeout) {
      executor().remove(target.kubernetes(), namespace, job, workers, timeout);
    }
  }
}
