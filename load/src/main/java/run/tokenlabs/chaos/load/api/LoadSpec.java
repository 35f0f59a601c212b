package run.tokenlabs.chaos.load.api;

import java.util.Objects;
import java.util.Optional;
import run.tokenlabs.chaos.api.TargetActions;

/**
 * A complete, immutable description of one load: where, how paced, what requests, within which
 * bounds, judged against which SLOs, through which client pool. Every {@code with...} returns a new
 * spec; {@link #run()} executes it and blocks until the run has ended by itself.
 */
public record LoadSpec(
    Endpoint endpoint, Loop loop, Workload workload, Bounds bounds, Optional<Slo> slo, ClientPool pool,
    Progress progress, Recording recording) {

  public LoadSpec {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(bounds, "bounds");
    Objects.requireNonNull(slo, "slo");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(recording, "recording");
    if (workload.conversation().isPresent() && !(loop instanceof Loop.Closed)) {
      throw new IllegalArgumentException("A conversation workload runs one conversation per session of a closed"
          + " loop, but this load is " + loop + "; use Load.closedLoop(endpoint, sessions)");
    }
    if (workload.conversation().isPresent() && endpoint.api() != ApiFlavor.CHAT) {
      throw new IllegalArgumentException("A conversation workload sends chat messages, but the endpoint is "
          + endpoint.api() + "; use Endpoint.chat(..)");
    }
  }

  public LoadSpec withWorkload(Workload newWorkload) {
    return new LoadSpec(endpoint, loop, newWorkload, bounds, slo, pool, progress, recording);
  }

  public LoadSpec withWorkload(Bucket... buckets) {
    return withWorkload(Workload.of(buckets));
  }

  public LoadSpec withBounds(Bounds newBounds) {
    return new LoadSpec(endpoint, loop, workload, newBounds, slo, pool, progress, recording);
  }

  public LoadSpec withSlo(Slo newSlo) {
    return new LoadSpec(endpoint, loop, workload, bounds, Optional.of(newSlo), pool, progress, recording);
  }

  public LoadSpec withPool(ClientPool newPool) {
    return new LoadSpec(endpoint, loop, workload, bounds, slo, newPool, progress, recording);
  }

  public LoadSpec withProgress(Progress newProgress) {
    return new LoadSpec(endpoint, loop, workload, bounds, slo, pool, newProgress, recording);
  }

  /** The same load, keeping its per-request records as {@code newRecording} says (see {@link Recording}). */
  public LoadSpec withRecording(Recording newRecording) {
    return new LoadSpec(endpoint, loop, workload, bounds, slo, pool, progress, newRecording);
  }

  /**
   * Runs the load to its end (bounded by {@link Bounds}) and returns everything measured.
   *
   * <p>Inside an experiment of a dry run nothing is sent, not even the prompts' tokenizer calls: the
   * load's plan ({@link #plan()}) is journaled and the experiment ends as ABORTED, like a fault in a
   * dry run (see {@link TargetActions}), so that no figure is ever computed from a load that did not run.
   *
   * @throws org.opentest4j.TestAbortedException in a dry run, after its plan is journaled
   */
  public LoadResult run() {
    TargetActions.announce(plan());
    return LoadExecutors.get().run(this);
  }

  /** What this load will send, in one sentence: endpoint, pacing, workload and bounds (never a secret). */
  public String plan() {
    return LoadPlan.of(this);
  }
}
