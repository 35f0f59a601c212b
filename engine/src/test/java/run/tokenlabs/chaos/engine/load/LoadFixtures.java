package run.tokenlabs.chaos.engine.load;

import java.time.Duration;
import run.tokenlabs.chaos.engine.api.load.Bounds;
import run.tokenlabs.chaos.engine.api.load.Bucket;
import run.tokenlabs.chaos.engine.api.load.Endpoint;
import run.tokenlabs.chaos.engine.api.load.Load;
import run.tokenlabs.chaos.engine.api.load.LoadResult;
import run.tokenlabs.chaos.engine.api.load.Progress;
import run.tokenlabs.chaos.engine.api.load.RequestRecord;

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
