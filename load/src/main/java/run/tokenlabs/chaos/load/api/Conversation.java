package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A multi-turn chat session, as a workload: each session of a closed loop holds one conversation of
 * {@code turns} turns. Turn {@code k} sends the whole conversation so far (every earlier user message
 * and the answer the server streamed to it) plus a new user message of {@code userTokens} tokens, and
 * asks for at most {@code maxTokens}; the answer is appended once it has streamed. So the context grows
 * turn by turn, as a chat user's does, and a server with prefix caching can reuse the earlier turns.
 *
 * <p>Between turns the session waits {@code thinkTime} (the user reading and typing). After the last
 * turn, or after a turn that did not complete (its answer would be missing from the context), the
 * session starts a new conversation. Each turn is booked under its own bucket, {@code T1} ... {@code Tn}
 * ({@link #bucketName(int)}), so {@link LoadResult#histograms(String)} gives TTFT per turn.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Conversation(int turns, int userTokens, int maxTokens, Duration thinkTime) {

  public Conversation {
    Objects.requireNonNull(thinkTime, "thinkTime");
    if (turns < 1) {
      throw new IllegalArgumentException("Conversation turns must be >= 1, was " + turns);
    }
    if (userTokens < 1 || maxTokens < 1) {
      throw new IllegalArgumentException("Conversation userTokens and maxTokens must be >= 1, were " + userTokens
          + " and " + maxTokens);
    }
    if (thinkTime.isNegative()) {
      throw new IllegalArgumentException("Conversation think time must be >= 0, was " + thinkTime);
    }
  }

  /** {@code turns} turns of {@code userTokens}-token user messages and answers of at most {@code maxTokens}, no think time. */
  public static Conversation of(int turns, int userTokens, int maxTokens) {
    return new Conversation(turns, userTokens, maxTokens, Duration.ZERO);
  }

  public Conversation withThinkTime(Duration newThinkTime) {
    return new Conversation(turns, userTokens, maxTokens, newThinkTime);
  }

  /** The bucket name turn {@code turn} (1-based) is booked under. */
  public static String bucketName(int turn) {
    return "T" + turn;
  }

  /** One bucket per turn, in order: the new user message and the answer limit of that turn. */
  List<Bucket> buckets() {
    var buckets = new ArrayList<Bucket>();
    for (int turn = 1; turn <= turns; turn++) {
      buckets.add(Bucket.of(bucketName(turn), userTokens, maxTokens));
    }
    return buckets;
  }
}
