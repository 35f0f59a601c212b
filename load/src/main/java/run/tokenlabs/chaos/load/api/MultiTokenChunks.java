package run.tokenlabs.chaos.load.api;

/**
 * Bounds on the text chunks of a stream that carried more than one token, from what a stream tells:
 * the tokens in all (the server's count) and the chunks. Every text chunk carries at least one token,
 * so the extra tokens (tokens - text chunks) sit in at least one text chunk, when there are any, and in
 * at most {@code min(text chunks, extra)}. A stream that ends on {@code stop} may send its
 * end-of-sequence token in a chunk without text: when such a chunk came, one token is not extra.
 */
final class MultiTokenChunks {
  private MultiTokenChunks() {
  }

  static int atLeast(int tokens, int textChunks, int chunks, String finishReason) {
    return extra(tokens, textChunks, chunks, finishReason) > 0 && textChunks > 0 ? 1 : 0;
  }

  static int atMost(int tokens, int textChunks, int chunks, String finishReason) {
    return Math.max(0, Math.min(textChunks, extra(tokens, textChunks, chunks, finishReason)));
  }

  private static int extra(int tokens, int textChunks, int chunks, String finishReason) {
    boolean eosWithoutText = "stop".equals(finishReason) && chunks > textChunks;
    return tokens - textChunks - (eosWithoutText ? 1 : 0);
  }
}
