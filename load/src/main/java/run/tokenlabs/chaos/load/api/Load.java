package run.tokenlabs.chaos.load.api;

import java.time.Duration;
import java.util.Optional;

/**
 * The entry point of the load generator: an open loop (requests arrive on a schedule, latencies from
 * the intended start) or a closed loop (a fixed number of sessions). Both start bounded (60 s, 1000
 * requests, bucket A, pool sized from the load, progress on standard error, records to the journal
 * directory or a temporary one) and are refined with
 * {@code LoadSpec.with...}.
 *
 * <pre>{@code
 * LoadResult result = Load.openLoop(Endpoint.chat("http://127.0.0.1:8000", "deepseek-r1"),
 *         Arrivals.poisson(8).withRampUp(Duration.ofSeconds(10)))
 *     .withWorkload(Bucket.interactive().withWeight(3), Bucket.longContext())
 *     .withBounds(Bounds.of(Duration.ofMinutes(5), 2_000))
 *     .withSlo(Slo.of(Duration.ofSeconds(2), Duration.ofMillis(150), Duration.ofSeconds(60)))
 *     .run();
 * }</pre>
 */
public final class Load {
  private Load() {}

  public static LoadSpec openLoop(Endpoint endpoint, Arrivals arrivals) {
    return defaults(endpoint, new Loop.Open(arrivals));
  }

  /**
   * Replays a request trace open-loop: each request at its offset (times the trace's time scale), with
   * its input length (a prompt of that many tokens, estimated from one measured prompt) and its output
   * length as {@code max_tokens}; give {@link Endpoint#withIgnoreEos(boolean)} so the server generates
   * them all. Booked under one bucket, {@code trace}. Bounded like every load: what the bounds cut off
   * is not sent.
   */
  public static LoadSpec replay(Endpoint endpoint, RequestTrace trace) {
    return defaults(endpoint, new Loop.Replay(trace))
        .withWorkload(Bucket.of(TRACE_BUCKET, trace.maxInputTokens(), trace.maxOutputTokens()));
  }

  /** The bucket a replayed trace's requests are booked under. */
  public static final String TRACE_BUCKET = "trace";

  public static LoadSpec closedLoop(Endpoint endpoint, int concurrency) {
    return defaults(endpoint, new Loop.Closed(concurrency));
  }

  private static LoadSpec defaults(Endpoint endpoint, Loop loop) {
    return new LoadSpec(endpoint, loop, Workload.of(Bucket.interactive()), Bounds.of(Duration.ofSeconds(60), 1000),
        Optional.empty(), ClientPool.sizedFromLoad(), Progress.toStandardError(),
        Recording.byDefault());
  }
}
