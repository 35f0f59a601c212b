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
 * @param errorDetail what failed, in words; the server's own text where it sent one (an HTTP error body,
 *     the message of an error event inside a 200 stream), cut to its first {@value #MAX_ERROR_TEXT} characters
 * @param tokenCount how {@link #outputTokens()} was counted: by the server ({@link TokenCount#USAGE}) or
 *     by chunks ({@link TokenCount#CHUNKS})
 * @param multiTokenChunksAtLeast the fewest text chunks that can have carried more than one token given
 *     the server's count, or -1 when it is unknown (counted by chunks). The stream says how many tokens
 *     in all, never per chunk: with {@code T} tokens over {@code C} text chunks (the end-of-sequence token
 *     of a {@code stop} may come in a chunk without text and is not counted as extra) at least one chunk
 *     carried more than one when {@code T > C}, none when {@code T = C}; a {@code stop} whose
 *     end-of-sequence token came in a chunk without text counts one token less
 * @param multiTokenChunksAtMost the most text chunks that can have carried more than one token, {@code
 *     min(C, T - C)} (same correction), or -1 when unknown; equal to the fewest exactly when the split
 *     is certain
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
    String errorDetail,
    TokenCount tokenCount,
    int multiTokenChunksAtLeast,
    int multiTokenChunksAtMost) {

  /** The most characters of a server's error text a record keeps. */
  public static final int MAX_ERROR_TEXT = 2048;

  public RequestRecord {
    truncation = Set.copyOf(truncation);
    java.util.Objects.requireNonNull(tokenCount, "tokenCount");
  }

  /**
   * A record as the server's counts allow: {@link TokenCount#USAGE} with {@code usage}, else
   * {@link TokenCount#CHUNKS}; the multi-token chunks bounded from {@code usage} and the text chunks.
   */
  public RequestRecord(long id, String bucket, int maxTokens, boolean slowReader, long intendedStartNanos,
      long actualStartNanos, long responseHeadersNanos, long firstChunkNanos, long firstContentNanos,
      long lastChunkNanos, long endNanos, InterChunkGaps gaps, int chunks, int tokensReceived, String finishReason,
      Usage usage, boolean doneReceived, int httpStatus, Outcome outcome, Set<TruncationSignal> truncation,
      String errorClass, String errorDetail) {
    this(id, bucket, maxTokens, slowReader, intendedStartNanos, actualStartNanos, responseHeadersNanos,
        firstChunkNanos, firstContentNanos, lastChunkNanos, endNanos, gaps, chunks, tokensReceived, finishReason,
        usage, doneReceived, httpStatus, outcome, truncation, errorClass, errorDetail,
        usage == null ? TokenCount.CHUNKS : TokenCount.USAGE,
        usage == null ? -1 : MultiTokenChunks.atLeast(usage.completionTokens(), tokensReceived, chunks, finishReason),
        usage == null ? -1 : MultiTokenChunks.atMost(usage.completionTokens(), tokensReceived, chunks, finishReason));
  }

  /** The text chunks that carried more than one token, when the server's count makes it certain. */
  public java.util.OptionalInt multiTokenChunks() {
    return multiTokenChunksAtLeast >= 0 && multiTokenChunksAtLeast == multiTokenChunksAtMost
        ? java.util.OptionalInt.of(multiTokenChunksAtLeast) : java.util.OptionalInt.empty();
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

  /**
   * Output tokens: the server's {@code usage.completion_tokens} where given, else the chunks with text
   * ({@link #tokenCount()} says which).
   */
  public int outputTokens() {
    return usage != null ? usage.completionTokens() : tokensReceived;
  }

  /**
   * Time per output token after the first: (E2E - TTFT) / (output tokens - 1); empty below two tokens,
   * and empty when the tokens were counted as chunks ({@link TokenCount#CHUNKS}): that quotient is the
   * chunk interval ({@link #chunkInterval()}), a time per token only if every chunk carried one.
   */
  public Optional<Duration> tpot() {
    return tokenCount == TokenCount.CHUNKS ? Optional.empty() : perUnit(outputTokens());
  }

  /** The mean interval between text chunks after the first: (E2E - TTFT) / (text chunks - 1); empty below two. */
  public Optional<Duration> chunkInterval() {
    return perUnit(tokensReceived);
  }

  private Optional<Duration> perUnit(int units) {
    if (firstChunkNanos < 0 || lastChunkNanos < 0 || units < 2) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos((lastChunkNanos - firstChunkNanos) / (units - 1)));
  }

  private Optional<Duration> since(long nanos) {
    return nanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos - intendedStartNanos));
  }
}
