package run.tokenlabs.chaos.lab.simulator;

/**
 * The JSON of one response, in vLLM's OpenAI shapes: SSE events ({@code data: {...}} and a blank
 * line) for streams, or one object for non-streaming answers. Token text comes from
 * {@link TokenRule#outputWord}; in chat, the first {@code reasoningTokens} tokens are sent as
 * {@code delta.reasoning_content}, as vLLM's reasoning parser does for DeepSeek-R1.
 */
final class SseChunks {
  private final boolean chat;
  private final String prefix;
  private final int reasoningTokens;

  SseChunks(boolean chat, String id, String model, int reasoningTokens) {
    this.chat = chat;
    this.reasoningTokens = reasoningTokens;
    this.prefix = "{\"id\":\"" + id + "\",\"object\":\"" + (chat ? "chat.completion.chunk" : "text_completion")
        + "\",\"created\":" + (System.currentTimeMillis() / 1000) + ",\"model\":\"" + OpenAiErrors.escape(model)
        + "\",";
  }

  /** Chat streams open with the assistant role and empty content. */
  String roleChunk() {
    return event("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
        + "\"logprobs\":null,\"finish_reason\":null}]");
  }

  String tokenChunk(int index, String finishReason) {
    String finish = finishReason == null ? "null" : "\"" + finishReason + "\"";
    String word = TokenRule.outputWord(index);
    if (!chat) {
      return event("\"choices\":[{\"index\":0,\"text\":\"" + word + "\",\"logprobs\":null,\"finish_reason\":"
          + finish + ",\"stop_reason\":null}]");
    }
    String field = index < reasoningTokens ? "reasoning_content" : "content";
    return event("\"choices\":[{\"index\":0,\"delta\":{\"" + field + "\":\"" + word + "\"},\"logprobs\":null,"
        + "\"finish_reason\":" + finish + "}]");
  }

  /** The {@code include_usage} chunk: no choices, the full usage. */
  String usageChunk(int promptTokens, int completionTokens) {
    return event("\"choices\":[]," + usage(promptTokens, completionTokens));
  }

  /** A non-streaming answer with all {@code completionTokens} tokens. */
  String whole(int promptTokens, int completionTokens, String finishReason) {
    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    for (int i = 0; i < completionTokens; i++) {
      (chat && i < reasoningTokens ? reasoning : content).append(TokenRule.outputWord(i));
    }
    String head = prefix.replace("chat.completion.chunk", "chat.completion");
    if (!chat) {
      return head + "\"choices\":[{\"index\":0,\"text\":\"" + content + "\",\"logprobs\":null,\"finish_reason\":\""
          + finishReason + "\",\"stop_reason\":null}]," + usage(promptTokens, completionTokens) + "}";
    }
    return head + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content
        + "\",\"reasoning_content\":" + (reasoning.length() == 0 ? "null" : "\"" + reasoning + "\"")
        + "},\"logprobs\":null,\"finish_reason\":\"" + finishReason + "\"}]," + usage(promptTokens, completionTokens)
        + "}";
  }

  private String event(String body) {
    return "data: " + prefix + body + "}\n\n";
  }

  private static String usage(int prompt, int completion) {
    return "\"usage\":{\"prompt_tokens\":" + prompt + ",\"total_tokens\":" + (prompt + completion)
        + ",\"completion_tokens\":" + completion + "}";
  }
}
