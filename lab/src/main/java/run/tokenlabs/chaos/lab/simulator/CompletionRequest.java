package run.tokenlabs.chaos.lab.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an OpenAI completions / chat completions request the simulator honours, with the
 * prompt already counted by {@link TokenRule}.
 */
record CompletionRequest(String model, boolean chat, int promptTokens, Integer maxTokens, boolean stream,
                         boolean includeUsage, boolean ignoreEos) {

  /** A request the server must refuse with 400 and this message. */
  static final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message, null, false, false);
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
      throw new BadRequest("Field 'model' is required");
    }
    int prompt = chat ? chatTokens(root.get("messages")) : promptTokens(root.get("prompt"));
    JsonNode max = root.has("max_completion_tokens") ? root.get("max_completion_tokens") : root.get("max_tokens");
    Integer maxTokens = null;
    if (max != null && !max.isNull()) {
      if (!max.canConvertToInt() || max.asInt() < 1) {
        throw new BadRequest("max_tokens must be at least 1, got " + max);
      }
      maxTokens = max.asInt();
    }
    return new CompletionRequest(model, chat, prompt, maxTokens, root.path("stream").asBoolean(false),
        root.path("stream_options").path("include_usage").asBoolean(false), root.path("ignore_eos").asBoolean(false));
  }

  static int promptTokens(JsonNode prompt) throws BadRequest {
    if (prompt == null || prompt.isNull()) {
      throw new BadRequest("Field 'prompt' is required");
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
    throw new BadRequest("'prompt' must be a string, a list of strings or a list of token ids");
  }

  static int chatTokens(JsonNode messages) throws BadRequest {
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new BadRequest("Field 'messages' must be a non-empty list");
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
        throw new BadRequest("message content must be a string or a list of parts");
      }
    }
    return TokenRule.countChat(contents);
  }

  private static int nonEmpty(int tokens) throws BadRequest {
    if (tokens < 1) {
      throw new BadRequest("The prompt is empty: it must have at least one token");
    }
    return tokens;
  }
}
