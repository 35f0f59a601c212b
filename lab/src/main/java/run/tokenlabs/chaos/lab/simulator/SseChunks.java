package run.tokenlabs.chaos.lab.simulator;

import java.util.List;
import run.tokenlabs.chaos.lab.http.OpenAiErrors;

/**
 * The JSON of one response, in vLLM's OpenAI shapes: SSE events ({@code data: {...}} and a blank
 * line) for streams, or one object for non-streaming answers. Each chunk carries one choice's delta
 * with that choice's {@code index} (a request with {@code n} choices interleaves them). Token text
 * comes from {@link TokenRule#outputWord}; in chat, the first {@code reasoningTokens[choice]} tokens
 * of a choice are sent as {@code delta.reasoning_content}, as vLLM's reasoning parser does for
 * DeepSeek-R1.
 */
final class SseChunks {
  /** What one choice generated, for a non-streaming answer. */
  record Choice(int tokens, String finishReason) {}

  private final boolean chat;
  private final String prefix;
  private final int[] reasoningTokens;

  SseChunks(boolean chat, String id, String model, int[] reasoningTokens) {
    this.chat = chat;
    this.reasoningTokens = reasoningTokens.clone();
    this.prefix = "{\"id\":\"" + id + "\",\"object\":\"" + (chat ? "chat.completion.chunk" : "text_completion")
        + "\",\"created\":" + (System.currentTimeMillis() / 1000) + ",\"model\":\"" + OpenAiErrors.escape(model)
        + "\",";
  }

  /** A chat choice opens with the assistant role and empty content. */
  String roleChunk(int choice) {
    return event("\"choices\":[{\"index\":" + choice + ",\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
        + "\"logprobs\":null,\"finish_reason\":null}]");
  }

  String tokenChunk(int choice, int index, String finishReason) {
    String finish = finishReason == null ? "null" : "\"" + finishReason + "\"";
    String word = TokenRule.outputWord(index);
    if (!chat) {
      return event("\"choices\":[{\"index\":" + choice + ",\"text\":\"" + word + "\",\"logprobs\":null,"
          + "\"finish_reason\":" + finish + ",\"stop_reason\":null}]");
    }
    String field = index < reasoningTokens[choice] ? "reasoning_content" : "content";
    return event("\"choices\":[{\"index\":" + choice + ",\"delta\":{\"" + field + "\":\"" + word + "\"},"
        + "\"logprobs\":null,\"finish_reason\":" + finish + "}]");
  }

  /** The {@code include_usage} chunk: no choices, the full usage (completion tokens of all choices). */
  String usageChunk(int promptTokens, int completionTokens) {
    return event("\"choices\":[]," + usage(promptTokens, completionTokens));
  }

  /** A non-streaming answer with every choice's tokens. */
  String whole(int promptTokens, List<Choice> choices) {
    StringBuilder body = new StringBuilder(prefix.replace("chat.completion.chunk", "chat.completion"));
    body.append("\"choices\":[");
    int completion = 0;
    for (int i = 0; i < choices.size(); i++) {
      Choice c = choices.get(i);
      completion += c.tokens();
      body.append(i == 0 ? "" : ",").append(chat ? message(i, c) : text(i, c));
    }
    return body.append("],").append(usage(promptTokens, completion)).append('}').toString();
  }

  private String text(int index, Choice c) {
    StringBuilder text = new StringBuilder();
    for (int t = 0; t < c.tokens(); t++) {
      text.append(TokenRule.outputWord(t));
    }
    return "{\"index\":" + index + ",\"text\":\"" + text + "\",\"logprobs\":null,\"finish_reason\":\""
        + c.finishReason() + "\",\"stop_reason\":null}";
  }

  private String message(int index, Choice c) {
    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    for (int t = 0; t < c.tokens(); t++) {
      (t < reasoningTokens[index] ? reasoning : content).append(TokenRule.outputWord(t));
    }
    return "{\"index\":" + index + ",\"message\":{\"role\":\"assistant\",\"content\":\"" + content
        + "\",\"reasoning_content\":" + (reasoning.length() == 0 ? "null" : "\"" + reasoning + "\"")
        + "},\"logprobs\":null,\"finish_reason\":\"" + c.finishReason() + "\"}";
  }

  private String event(String body) {
    return "data: " + prefix + body + "}\n\n";
  }

  private static String usage(int prompt, int completion) {
    return "\"usage\":{\"prompt_tokens\":" + prompt + ",\"total_tokens\":" + (prompt + completion)
        + ",\"completion_tokens\":" + completion + "}";
  }
}
