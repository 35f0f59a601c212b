package run.tokenlabs.chaos.load.api;

/** Why a stream that answered 200 is counted as {@link Outcome#TRUNCATED}. */
public enum TruncationSignal {
  /** The stream ended without {@code data: [DONE]}. */
  NO_DONE,
  /** No chunk carried a non-null {@code finish_reason}. */
  NO_FINISH_REASON,
  /** {@code finish_reason} was {@code length} while fewer than {@code max_tokens} tokens were generated. */
  LENGTH_BELOW_MAX_TOKENS,
  /**
   * The chunks with text do not match {@code usage.completion_tokens}. One token per chunk is assumed
   * (vLLM's default stream interval); one silent final token (end of sequence) is allowed on {@code stop}.
   */
  TOKEN_COUNT_MISMATCH,
  /** Usage was requested but no usage chunk came. */
  NO_USAGE,
  /** {@code finish_reason} was {@code abort} (vLLM aborted the request). */
  ABORTED_BY_SERVER,
  /** A chunk carried an {@code error} object instead of choices. */
  ERROR_EVENT,
  /** The connection broke while the body was being read. */
  CONNECTION_CUT
}
