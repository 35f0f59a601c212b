package run.tokenlabs.chaos.load;

import java.nio.charset.StandardCharsets;
import okhttp3.MediaType;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.PromptInfo;

/**
 * A bucket's request body, built once and shared by every request of the bucket: the JSON before the
 * prompt, the prompt text (JSON-escaped UTF-8), the JSON after it. Each request adds only its numbered
 * first line ({@link #requestLine(long)}), which defeats prefix caching across requests (all but a
 * shared system prompt, which sits in the head); so 64 sessions of 32k-token prompts hold one copy of
 * the prompt, not 64.
 *
 * @param userStart for chat, where in {@code head} the user message opens (after the opening JSON and
 *     any shared system message), so a conversation can put its earlier turns there
 */
record PreparedPrompt(Bucket bucket, byte[] head, int userStart, byte[] sharedText, byte[] tail, PromptInfo info)
    implements Outgoing {
  private static final MediaType JSON = MediaType.get("application/json");

  /** What a run adds to its request ids for their first lines: its salt in the digits above the eighth. */
  static final long SALT_UNIT = 100_000_000L;

  /**
   * The unique first line of request {@code id}: its number (the id's last eight digits), then the run's
   * salt ({@code id / SALT_UNIT}, four digits) so that no two runs send the same line and a server's
   * prefix cache cannot serve one run from another's. Fixed width, so every request has the same token
   * count; the number comes first, where a test server reads it.
   */
  static String requestLine(long id) {
    return String.format("Request %08d. %04d ", id % SALT_UNIT, (id / SALT_UNIT) % 10_000);
  }

  /** A streamed body: written from the shared arrays straight to the socket, never assembled whole. */
  @Override
  public SlicedBody body(long id) {
    byte[] line = requestLine(id).getBytes(StandardCharsets.US_ASCII);
    return SlicedBody.of(JSON, head, line, sharedText, tail);
  }
}
