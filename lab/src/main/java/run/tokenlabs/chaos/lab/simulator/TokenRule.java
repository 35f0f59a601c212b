package run.tokenlabs.chaos.lab.simulator;

import java.util.List;

/**
 * The lab's deterministic tokenizer, used alike by {@code /tokenize}, by prompt accounting and by
 * the usage counts: a text is split on whitespace, and every word of {@code n} characters (code
 * points) counts {@code ceil(n / 4)} tokens. So {@code "tok ".repeat(700)} is exactly 700 tokens.
 *
 * <p>A chat prompt counts every message's content by that rule plus {@link #CHAT_TOKENS_PER_MESSAGE}
 * for its role and template markers, and {@link #CHAT_PRIMING_TOKENS} for the assistant turn the
 * template opens. A prompt given as token ids counts one token per id. Generated text is made of
 * the words in {@link #outputWord(long)}, each one token followed by a space, so counting the text a
 * client received by this rule gives back {@code usage.completion_tokens}.
 */
public final class TokenRule {
  public static final int CHARS_PER_TOKEN = 4;
  public static final int CHAT_TOKENS_PER_MESSAGE = 4;
  public static final int CHAT_PRIMING_TOKENS = 2;

  private static final String[] WORDS = {
    "the", "kv", "gpu", "node", "pod", "step", "load", "tok", "data", "fast", "slow", "cut",
  };

  private TokenRule() {}

  /** Number of tokens of a text under the rule above; 0 for an empty or blank text. */
  public static int count(CharSequence text) {
    int tokens = 0;
    int wordLength = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        tokens += tokensOfWord(wordLength);
        wordLength = 0;
      } else if (!Character.isLowSurrogate(c)) {
        wordLength++;
      }
    }
    return tokens + tokensOfWord(wordLength);
  }

  /** Tokens of a chat prompt: message contents by {@link #count}, plus the template overhead. */
  public static int countChat(List<String> messageContents) {
    int tokens = CHAT_PRIMING_TOKENS;
    for (String content : messageContents) {
      tokens += CHAT_TOKENS_PER_MESSAGE + count(content);
    }
    return tokens;
  }

  /** The text of the {@code index}-th generated token (0-based): one short word and a space. */
  public static String outputWord(long index) {
    return WORDS[(int) (index % WORDS.length)] + " ";
  }

  private static int tokensOfWord(int length) {
    return (length + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
  }
}
