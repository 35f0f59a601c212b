package run.tokenlabs.chaos.load.api;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
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
 * @param tokenizerTokens the output tokens as the server's {@code POST /tokenize} counted the stream's
 *     text, when the server sent no usage and the load counted with its tokenizer; -1 otherwise
 *
 * <h2>How tokens were counted</h2>
 * {@link #tokenCount()} says where {@link #outputTokens()} comes from: the server's usage chunk, the
 * server's tokenizer, or the text chunks (one token each). A stream tells how many tokens in all, never
 * how many each chunk carried: with {@code T} tokens (usage or tokenizer) over {@code C} text chunks,
 * every text chunk carrying at least one, at least one chunk carried more than one when {@code T > C}
 * and none when {@code T = C}, and at most {@code min(C, T - C)} did
 * ({@link #multiTokenChunksAtLeast()}, {@link #multiTokenChunksAtMost()}); the count is certain only
 * when both agree ({@link #multiTokenChunks()}). A {@code stop} may send its end-of-sequence token in
 * a chunk without text: when such a chunk came, one token is not counted as extra. Counted by chunks,
 * nothing is known of multi-token chunks, and no time per output token is claimed ({@link #tpot()}).
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
    int tokenizerTokens) {

  /** The most characters of a server's error text a record keeps. */
  public static final int MAX_ERROR_TEXT = 2048;

  public RequestRecord {
    truncation = Set.copyOf(truncation);
  }

  /** A record whose tokens were not counted with the server's tokenizer ({@code tokenizerTokens} -1). */
  public RequestRecord(long id, String bucket, int maxTokens, boolean slowReader, long intendedStartNanos,
      long actualStartNanos, long responseHeadersNanos, long firstChunkNanos, long firstContentNanos,
      long lastChunkNanos, long endNanos, InterChunkGaps gaps, int chunks, int tokensReceived, String finishReason,
      Usage usage, boolean doneReceived, int httpStatus, Outcome outcome, Set<TruncationSignal> truncation,
      String errorClass, String errorDetail) {
    this(id, bucket, maxTokens, slowReader, intendedStartNanos, actualStartNanos, responseHeadersNanos,
        firstChunkNanos, firstContentNanos, lastChunkNanos, endNanos, gaps, chunks, tokensReceived, finishReason,
        usage, doneReceived, httpStatus, outcome, truncation, errorClass, errorDetail, -1);
  }

  /** How {@link #outputTokens()} was counted: usage first, then the server's tokenizer, else the chunks. */
  public TokenCount tokenCount() {
    if (usage != null) {
      return TokenCount.USAGE;
    }
    return tokenizerTokens >= 0 ? TokenCount.TOKENIZER : TokenCount.CHUNKS;
  }

  /** The fewest text chunks that can have carried more than one token; -1 when counted by chunks (unknown). */
  public int multiTokenChunksAtLeast() {
    return tokenCount() == TokenCount.CHUNKS ? -1 : MultiTokenChunks.atLeast(extraTokens(), tokensReceived);
  }

  /** The most text chunks that can have carried more than one token; -1 when counted by chunks (unknown). */
  public int multiTokenChunksAtMost() {
    return tokenCount() == TokenCount.CHUNKS ? -1 : MultiTokenChunks.atMost(extraTokens(), tokensReceived);
  }

  /**
   * Tokens beyond one per text chunk. Usage counts a {@code stop}'s end-of-sequence token, which may come
   * in a chunk without text (then one fewer is extra); the tokenizer counts the text alone.
   */
  private int extraTokens() {
    boolean eosWithoutText = tokenCount() == TokenCount.USAGE && "stop".equals(finishReason) && chunks > tokensReceived;
    return outputTokens() - tokensReceived - (eosWithoutText ? 1 : 0);
  }

  /** The text chunks that carried more than one token, when the count makes it certain. */
  public OptionalInt multiTokenChunks() {
    int least = multiTokenChunksAtLeast();
    return least >= 0 && least == multiTokenChunksAtMost() ? OptionalInt.of(least) : OptionalInt.empty();
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
   * Output tokens: the server's {@code usage.completion_tokens} where given, else the server's tokenizer
   * count of the text, else the chunks with text ({@link #tokenCount()} says which).
   */
  public int outputTokens() {
    return switch (tokenCount()) {
      case USAGE -> usage.completionTokens();
      case TOKENIZER -> tokenizerTokens;
      case CHUNKS -> tokensReceived;
    };
  }

  /**
   * Time per output token after the first: (E2E - TTFT) / (output tokens - 1); empty below two tokens,
   * and empty when the tokens were counted as chunks ({@link TokenCount#CHUNKS}): that quotient is the
   * chunk interval ({@link #chunkInterval()}), a time per token only if every chunk carried one.
   */
  public Optional<Duration> tpot() {
    return tokenCount() == TokenCount.CHUNKS ? Optional.empty() : perUnit(outputTokens());
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
