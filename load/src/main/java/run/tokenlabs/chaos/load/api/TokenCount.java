package run.tokenlabs.chaos.load.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * How a request's output tokens were counted ({@link RequestRecord#tokenCount()}): by the server, or
 * only by counting the stream's chunks, which is a token count only if every chunk carries one token.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum TokenCount {
  /** The server said: {@code usage.completion_tokens} of the final usage chunk. */
  USAGE,
  /**
   * The server sent no usage (it was not asked for: {@code Endpoint.withIncludeUsage(false)}), and the
   * stream's text was counted with the server's own {@code POST /tokenize} after the stream ended.
   */
  TOKENIZER,
  /**
   * The server said nothing: the text chunks were counted, one token each. A server that batches
   * tokens into chunks (a gateway that re-chunks by size, a stream interval above 1) makes this
   * count, and any time per token derived from it, wrong; {@link RequestRecord#tpot()} is then empty.
   */
  CHUNKS
}
