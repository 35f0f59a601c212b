package run.tokenlabs.chaos.load.api;

/**
 * Bounds on the text chunks of a stream that carried more than one token, from the tokens beyond one
 * per text chunk ({@code extra}): every text chunk carries at least one token, so the extra tokens sit in
 * at least one text chunk, when there are any, and in at most {@code min(text chunks, extra)}.
 */
final class MultiTokenChunks {
  private MultiTokenChunks() {
  }

  static int atLeast(int extra, int textChunks) {
    return extra > 0 && textChunks > 0 ? 1 : 0;
  }

  static int atMost(int extra, int textChunks) {
    return Math.max(0, Math.min(textChunks, extra));
  }
}
