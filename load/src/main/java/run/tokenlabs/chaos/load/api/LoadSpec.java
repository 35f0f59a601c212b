package run.tokenlabs.chaos.load.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A complete, immutable description of one load: where, how paced, what requests, within which
 * bounds, judged against which SLOs, through which client pool. Every {@code with...} returns a new
 * spec; {@link #run()} executes it and blocks until the run has ended by itself.
 */
public record LoadSpec(
    Endpoint endpoint, Loop loop, Workload workload, Bounds bounds, Optional<Slo> slo, ClientPool pool,
    Progress progress) {

  public LoadSpec {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(bounds, "bounds");
    Objects.requireNonNull(slo, "slo");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(progress, "progress");
  }

  public LoadSpec withWorkload(Workload newWorkload) {
    return new LoadSpec(endpoint, loop, newWorkload, bounds, slo, pool, progress);
  }

  public LoadSpec withWorkload(Bucket... buckets) {
    return withWorkload(Workload.of(buckets));
  }

  public LoadSpec withBounds(Bounds newBounds) {
    return new LoadSpec(endpoint, loop, workload, newBounds, slo, pool, progress);
  }

  public LoadSpec withSlo(Slo newSlo) {
    return new LoadSpec(endpoint, loop, workload, bounds, Optional.of(newSlo), pool, progress);
  }

  public LoadSpec withPool(ClientPool newPool) {
    return new LoadSpec(endpoint, loop, workload, bounds, slo, newPool, progress);
  }

  public LoadSpec withProgress(Progress newProgress) {
    return new LoadSpec(endpoint, loop, workload, bounds, slo, pool, newProgress);
  }

  /** Runs the load to its end (bounded by {@link Bounds}) and returns everything measured. */
  public LoadResult run() {
    return LoadExecutors.get().run(this);
  }
}
