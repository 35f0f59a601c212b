package run.tokenlabs.chaos.lab.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an OpenAI completions / chat completions request the simulator honours, with the
 * prompt already counted by {@link TokenRule}. Parameters are checked as vLLM 0.10 checks them, with
 * its messages: {@code n} at least 1, {@code max_tokens} at least 1, and {@code best_of} above 1
 * refused, since the V1 engine does not support it.
 *
 * @param n choices to generate, each an independent sequence (vLLM V1's parallel sampling)
 * @param blockHashes the prompt's full KV blocks by content, for prefix caching ({@link PromptBlocks})
 */
record CompletionRequest(String model, boolean chat, int promptTokens, Integer maxTokens, boolean stream,
                         boolean includeUsage, boolean ignoreEos, int n, long[] blockHashes) {

  /** A request the server must refuse with 400 and this message; {@code param} names the field, if one. */
  static final class BadRequest extends Exception {
    private final String param;

    BadRequest(String message) {
      this(message, null);
    }

    BadRequest(String message, String param) {
      super(message, null, false, false);
      this.param = param;
    }

    String param() {
      return param;
    }
  }

  static CompletionRequest parse(ObjectMapper json, byte[] body, boolean chat) throws BadRequest {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      throw new BadRequest("Request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject()) {
      throw new BadRequest("Request body must be a JSON object");
    }
    String model = root.path("model").asText(null);
    if (model == null) {
      throw new BadRequest("Field 'model' is required", "model");
    }
    int prompt = chat ? chatTokens(root.get("messages")) : promptTokens(root.get("prompt"));
    String maxField = root.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    Integer maxTokens = positiveOrNull(root.get(maxField), "max_tokens");
    Integer n = positiveOrNull(root.get("n"), "n");
    Integer bestOf = positiveOrNull(root.get("best_of"), "best_of");
    if (bestOf != null && bestOf > 1) {
      throw new BadRequest("vLLM V1 does not yet support best_of.", "best_of");
    }
    return new CompletionRequest(model, chat, prompt, maxTokens, root.path("stream").asBoolean(false),
        root.path("stream_options").path("include_usage").asBoolean(false), root.path("ignore_eos").asBoolean(false),
        n == null ? 1 : n, chat ? PromptBlocks.ofChat(root.get("messages")) : PromptBlocks.ofPrompt(root.get("prompt")));
  }

  /** An integer parameter of at least 1, or null when absent; vLLM's messages otherwise. */
  private static Integer positiveOrNull(JsonNode value, String name) throws BadRequest {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new BadRequest(name + " must be an int, but is " + value, name);
    }
    if (value.asInt() < 1) {
      throw new BadRequest(name + " must be at least 1, got " + value.asInt() + ".", name);
    }
    return value.asInt();
  }

  static int promptTokens(JsonNode prompt) throws BadRequest {
    if (prompt == null || prompt.isNull()) {
      throw new BadRequest("Field 'prompt' is required", "prompt");
    }
    if (prompt.isTextual()) {
      return nonEmpty(TokenRule.count(prompt.asText()));
    }
    if (prompt.isArray() && prompt.size() > 0) {
      JsonNode first = prompt.get(0);
      if (first.isInt()) {
        return prompt.size(); // token ids
      }
      if (first.isTextual()) {
        return nonEmpty(TokenRule.count(first.asText()));
      }
      if (first.isArray()) {
        return nonEmpty(first.size());
      }
    }
    throw new BadRequest("'prompt' must be a string, a list of strings or a list of token ids", "prompt");
  }

  static int chatTokens(JsonNode messages) throws BadRequest {
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new BadRequest("Field 'messages' must be a non-empty list", "messages");
    }
    List<String> contents = new ArrayList<>();
    for (JsonNode m : messages) {
      JsonNode content = m.get("content");
      if (content == null || content.isNull()) {
        contents.add("");
      } else if (content.isTextual()) {
        contents.add(content.asText());
      } else if (content.isArray()) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
          text.append(part.path("text").asText("")).append(' ');
        }
        contents.add(text.toString());
      } else {
        throw new BadRequest("message content must be a string or a list of parts", "messages");
      }
    }
    return TokenRule.countChat(contents);
  }

  private static int nonEmpty(int tokens) throws BadRequest {
    if (tokens < 1) {
      throw new BadRequest("The prompt is empty: it must have at least one token", "prompt");
    }
    return tokens;
  }
}
