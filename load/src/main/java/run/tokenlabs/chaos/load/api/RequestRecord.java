package run.tokenlabs.chaos.load.api;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * What happened to one request, from its intended start to its classification. All times are
 * nanoseconds since the run's origin ({@link LoadResult#originNanoTime()}); {@code -1} means "did not
 * happen" (a rejected request was never sent, a failed one saw no chunk).
 *
 * <p>Latencies are measured from the intended start: in an open loop that is the arrival time the
 * schedule gave, in a closed loop the moment the session issued the request. The gap between the
 * intended and the actual start is the dispatch delay: time spent in the client, never hidden.
 *
 * @param firstChunkNanos first chunk with non-empty {@code choices} (any delta, reasoning included)
 * @param firstContentNanos first chunk carrying answer text ({@code content} or {@code text})
 * @param lastChunkNanos last chunk with non-empty {@code choices}: the end of E2E, as the peers measure
 * @param endNanos when the client finished with the request (stream end, failure, rejection)
 * @param tokensReceived chunks that carried text (answer or reasoning): one token each at stream interval 1
 * @param httpStatus the response status, 0 if there was no response
 * @param errorClass the exception or failure class, null for a clean stream
 */
public record RequestRecord(
    long id,
    String bucket,
    int maxTokens,
    boolean slowReader,
    long intendedStartNanos,
    long actualStartNanos,
    long responseHeadersNanos,
    long firstChunkNanos,
    long firstContentNanos,
    long lastChunkNanos,
    long endNanos,
    InterChunkGaps gaps,
    int chunks,
    int tokensReceived,
    String finishReason,
    Usage usage,
    boolean doneReceived,
    int httpStatus,
    Outcome outcome,
    Set<TruncationSignal> truncation,
    String errorClass,
    String errorDetail) {

  public RequestRecord {
    truncation = Set.copyOf(truncation);
  }

  /** Actual minus intended start; empty if the request was never sent. */
  public Optional<Duration> dispatchDelay() {
    return actualStartNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(actualStartNanos - intendedStartNanos));
  }

  /** Time to first token: first chunk with non-empty choices minus intended start. */
  public Optional<Duration> ttft() {
    return since(firstChunkNanos);
  }

  /** Time to first content token (after any reasoning), minus intended start. */
  public Optional<Duration> ttfc() {
    return since(firstContentNanos);
  }

  /** End to end: last chunk minus intended start. */
  public Optional<Duration> e2e() {
    return since(lastChunkNanos);
  }

  /** Output tokens: the server's {@code usage.completion_tokens} where given, else the chunks with text. */
  public int outputTokens() {
    return usage != null ? usage.completionTokens() : tokensReceived;
  }

  /** Time per output token after the first: (E2E - TTFT) / (output tokens - 1); empty below two tokens. */
  public Optional<Duration> tpot() {
    int tokens = outputTokens();
    if (firstChunkNanos < 0 || lastChunkNanos < 0 || tokens < 2) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos((lastChunkNanos - firstChunkNanos) / (tokens - 1)));
  }

  private Optional<Duration> since(long nanos) {
    return nanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos - intendedStartNanos));
  }
}
