package run.tokenlabs.chaos.lab.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;

/**
 * The content hashes of a prompt's full KV blocks, as vLLM computes them for prefix caching: the
 * prompt's tokens in blocks of {@link SchedulerConfig#BLOCK_SIZE}, each block hashed with the hash of
 * the block before it, so a block's hash stands for the whole prefix up to its end. The partial last
 * block has none (vLLM caches full blocks only).
 *
 * <p>Tokens follow {@link TokenRule} exactly, so there are as many as the request's prompt tokens: a
 * word of {@code n} characters gives {@code ceil(n / 4)} tokens (told apart by their position in the
 * word), a chat message first its {@link TokenRule#CHAT_TOKENS_PER_MESSAGE} template tokens (they
 * depend on the role) then its content, and the template's priming tokens come last.
 */
final class PromptBlocks {
  private static final long[] NONE = new long[0];
  private final long[] block = new long[SchedulerConfig.BLOCK_SIZE];
  private long[] hashes = new long[8];
  private int blocks;
  private int inBlock;
  private long parent = 0x9E3779B97F4A7C15L;

  private PromptBlocks() {}

  /** Block hashes of a completions prompt (text, list of texts or token ids), counted as {@link CompletionRequest} does. */
  static long[] ofPrompt(JsonNode prompt) {
    if (prompt == null || !prompt.isArray() && !prompt.isTextual()) {
      return NONE;
    }
    var b = new PromptBlocks();
    if (prompt.isTextual()) {
      b.text(prompt.asText());
    } else if (prompt.size() > 0 && prompt.get(0).isInt()) {
      prompt.forEach(id -> b.token(id.asLong()));
    } else if (prompt.size() > 0 && prompt.get(0).isTextual()) {
      b.text(prompt.get(0).asText());
    } else if (prompt.size() > 0 && prompt.get(0).isArray()) {
      prompt.get(0).forEach(id -> b.token(id.asLong()));
    }
    return b.result();
  }

  /** Block hashes of a chat prompt: per message its template tokens, then its content; the priming last. */
  static long[] ofChat(JsonNode messages) {
    if (messages == null || !messages.isArray()) {
      return NONE;
    }
    var b = new PromptBlocks();
    for (JsonNode m : messages) {
      long role = m.path("role").asText("").hashCode();
      for (int i = 0; i < TokenRule.CHAT_TOKENS_PER_MESSAGE; i++) {
        b.token(mix(role, i));
      }
      JsonNode content = m.get("content");
      if (content != null && content.isTextual()) {
        b.text(content.asText());
      } else if (content != null && content.isArray()) {
        content.forEach(part -> b.text(part.path("text").asText("") + " "));
      }
    }
    for (int i = 0; i < TokenRule.CHAT_PRIMING_TOKENS; i++) {
      b.token(mix(-1, i));
    }
    return b.result();
  }

  /** The words of {@code text}, split and sized as {@link TokenRule#count} splits and sizes them. */
  private void text(String text) {
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean end = i == text.length() || Character.isWhitespace(text.charAt(i));
      if (end && start >= 0) {
        word(text, start, i);
        start = -1;
      } else if (!end && start < 0) {
        start = i;
      }
    }
  }

  private void word(String text, int from, int to) {
    int codePoints = 0;
    long h = 17;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      h = h * 31 + c;
      if (!Character.isLowSurrogate(c)) {
        codePoints++;
      }
    }
    int tokens = (codePoints + TokenRule.CHARS_PER_TOKEN - 1) / TokenRule.CHARS_PER_TOKEN;
    for (int t = 0; t < tokens; t++) {
      token(mix(h, t));
    }
  }

  private void token(long id) {
    block[inBlock++] = id;
    if (inBlock == block.length) {
      long h = parent;
      for (long t : block) {
        h = mix(h, t);
      }
      parent = h;
      if (blocks == hashes.length) {
        hashes = Arrays.copyOf(hashes, blocks * 2);
      }
      hashes[blocks++] = parent;
      inBlock = 0;
    }
  }

  private long[] result() {
    return Arrays.copyOf(hashes, blocks);
  }

  /** A 64-bit mix (SplitMix64's finaliser) of two values. */
  private static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
