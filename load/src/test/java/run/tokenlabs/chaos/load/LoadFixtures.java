package run.tokenlabs.chaos.load;

import java.time.Duration;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;

/** Small helpers shared by the load tests: a tiny bucket, and one request run through the whole client. */
final class LoadFixtures {
  private LoadFixtures() {}

  /** A small bucket: 16 prompt tokens, 8 output tokens. */
  static Bucket tiny() {
    return Bucket.of("T", 16, 8);
  }

  /** Sends exactly one request (closed loop of 1, bounded to 1 request) and returns its result. */
  static LoadResult one(Endpoint endpoint, Bucket bucket, Duration timeout) {
    return Load.closedLoop(endpoint, 1)
        .withWorkload(bucket)
        .withBounds(new Bounds(Duration.ofSeconds(30), 1, timeout))
        .withProgress(Progress.none())
        .run();
  }

  static RequestRecord single(LoadResult result) {
    if (result.records().size() != 1) {
      throw new AssertionError("expected exactly one record, got " + result.records().size() + ": " + result);
    }
    return result.records().get(0);
  }
}
