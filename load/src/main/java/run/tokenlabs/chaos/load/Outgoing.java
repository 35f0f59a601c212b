package run.tokenlabs.chaos.load;

import run.tokenlabs.chaos.load.api.Bucket;

/** What one request sends: the bucket it is booked under and its body; whether its answer's text is kept. */
interface Outgoing {
  Bucket bucket();

  SlicedBody body(long id);

  /** True when the answer's text must be collected (a conversation appends it to its next turn). */
  default boolean keepsAnswer() {
    return false;
  }
}
