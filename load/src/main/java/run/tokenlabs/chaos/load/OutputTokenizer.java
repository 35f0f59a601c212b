package run.tokenlabs.chaos.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.TokenCount;

/**
 * Counts a stream's output text with the server's own {@code POST /tokenize} ({@code add_special_tokens}
 * off: the answer's tokens, no BOS), for loads that asked for no usage: then the record's tokens are the
 * server's count ({@link TokenCount#TOKENIZER}), not the chunks. Used only when the server answered
 * {@code /tokenize} while the prompts were built, so a server without the route costs nothing.
 *
 * <p>The count is one request per stream, sent after the stream ended on the request's own thread; it
 * is not part of any latency (E2E ends at the last chunk). The text it needs is collected only for
 * these loads, and only up to {@value #MAX_TEXT_CHARS} characters: a longer answer is counted by chunks.
 */
final class OutputTokenizer {
  /** The most answer text collected for counting. */
  static final int MAX_TEXT_CHARS = 1 << 20;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final OkHttpClient client;
  private final Endpoint endpoint;

  private OutputTokenizer(OkHttpClient client, Endpoint endpoint) {
    this.client = client;
    this.endpoint = endpoint;
  }

  /** A tokenizer for this load if it asked for no usage and the server counted its prompts exactly. */
  static Optional<OutputTokenizer> forLoad(OkHttpClient client, LoadSpec spec, List<PreparedPrompt> prompts) {
    boolean serverCounts = prompts.stream().anyMatch(p -> p.info().exact());
    return !spec.endpoint().includeUsage() && serverCounts
        ? Optional.of(new OutputTokenizer(client, spec.endpoint())) : Optional.empty();
  }

  /** The server's token count of {@code text}, or -1 when it could not be had (the record then counts chunks). */
  int count(CharSequence text) {
    if (text.length() > MAX_TEXT_CHARS) {
      return -1;
    }
    ObjectNode body = MAPPER.createObjectNode().put("model", endpoint.model()).put("prompt", text.toString())
        .put("add_special_tokens", false);
    return TokenizeCall.count(client, endpoint, body, TIMEOUT);
  }
}
