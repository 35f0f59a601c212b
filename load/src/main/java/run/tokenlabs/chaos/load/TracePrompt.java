package run.tokenlabs.chaos.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import okhttp3.MediaType;
import run.tokenlabs.chaos.load.api.Bucket;

/**
 * The requests of a replayed trace, cut from one prompt measured at the trace's longest input: a
 * request of {@code n} input tokens sends the first words of that prompt in proportion to {@code n}
 * (so its count is an estimate, off by a few tokens where words split unevenly), with its output
 * length as {@code max_tokens}. One shared copy of the text whatever the number of requests.
 */
final class TracePrompt {
  private static final MediaType JSON = MediaType.get("application/json");
  private final PreparedPrompt prompt;
  private final byte[] headBeforeMax;
  private final byte[] headAfterMax;
  /** End offset (exclusive) in the shared text of each word. */
  private final int[] wordEnds;

  TracePrompt(PreparedPrompt prompt) {
    this.prompt = prompt;
    String head = new String(prompt.head(), StandardCharsets.UTF_8);
    String key = "\"max_tokens\":" + prompt.bucket().maxTokens();
    int at = head.indexOf(key);
    if (at < 0) {
      throw new IllegalStateException("Expected " + key + " in the prepared request head, saw " + head);
    }
    this.headBeforeMax = head.substring(0, at + "\"max_tokens\":".length()).getBytes(StandardCharsets.UTF_8);
    this.headAfterMax = head.substring(at + key.length()).getBytes(StandardCharsets.UTF_8);
    this.wordEnds = wordEnds(prompt.sharedText());
  }

  /** Request {@code input} tokens in, at most {@code output} out. */
  Outgoing request(int input, int output) {
    int measured = Math.max(1, prompt.info().promptTokens());
    int words = (int) Math.max(1, Math.min(wordEnds.length, Math.round((double) input * wordEnds.length / measured)));
    int textLength = wordEnds[words - 1];
    Bucket bucket = Bucket.of(prompt.bucket().name(), input, output);
    byte[] head = concat(headBeforeMax, Integer.toString(output).getBytes(StandardCharsets.US_ASCII), headAfterMax);
    byte[] text = prompt.sharedText();
    byte[] tail = prompt.tail();
    return new Outgoing() {
      @Override
      public Bucket bucket() {
        return bucket;
      }

      @Override
      public SlicedBody body(long id) {
        byte[] line = PreparedPrompt.requestLine(id).getBytes(StandardCharsets.US_ASCII);
        return SlicedBody.builder(JSON, 4).all(head).all(line).slice(text, 0, textLength).all(tail).build();
      }
    };
  }

  private static int[] wordEnds(byte[] text) {
    int[] ends = new int[16];
    int n = 0;
    for (int i = 0; i <= text.length; i++) {
      if (i == text.length || text[i] == ' ') {
        if (i > 0 && (i == text.length || text[i - 1] != ' ')) {
          if (n == ends.length) {
            ends = Arrays.copyOf(ends, n * 2);
          }
          ends[n++] = i;
        }
      }
    }
    return n == 0 ? new int[] {text.length} : Arrays.copyOf(ends, n);
  }

  private static byte[] concat(byte[] a, byte[] b, byte[] c) {
    byte[] out = Arrays.copyOf(a, a.length + b.length + c.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    System.arraycopy(c, 0, out, a.length + b.length, c.length);
    return out;
  }
}
