package run.tokenlabs.chaos.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import run.tokenlabs.chaos.load.api.Usage;

/**
 * Decodes the JSON of one stream chunk with Jackson's streaming parser, reading only what is measured:
 * {@code choices} (null, empty or not), per choice the text ({@code text}, {@code delta.content}) and
 * reasoning ({@code delta.reasoning_content}, or {@code delta.reasoning} in newer vLLM) lengths and
 * {@code finish_reason}, the {@code usage} object and an {@code error} object. Text is measured, never
 * copied into strings (the client parses tens of thousands of chunks a second), except into the
 * chunk's collector when the load counts output with the server's tokenizer.
 */
final class ChunkDecoder {
  private static final JsonFactory JSON = new JsonFactory();

  /** Fills {@code chunk} from {@code json}; throws if it is not one JSON object. */
  void decode(String json, Chunk chunk) throws IOException {
    chunk.reset();
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("stream chunk is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "choices" -> readChoices(p, value, chunk);
          case "usage" -> chunk.usage = value == JsonToken.START_OBJECT ? readUsage(p) : null;
          case "error" -> chunk.error = readError(p, value);
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new IOException("stream chunk has trailing content after its JSON object");
      }
    }
  }

  private static void readChoices(JsonParser p, JsonToken value, Chunk chunk) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      chunk.choicesNull = true;
      return;
    }
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.START_OBJECT) {
      chunk.choiceCount++;
      readChoice(p, chunk);
    }
  }

  private static void readChoice(JsonParser p, Chunk chunk) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "text" -> chunk.contentChars += textLength(p, value, chunk);
        case "delta" -> readDelta(p, value, chunk);
        case "finish_reason" -> {
          if (value == JsonToken.VALUE_STRING) {
            chunk.finishReason = p.getText();
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private static void readDelta(JsonParser p, JsonToken value, Chunk chunk) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "content" -> chunk.contentChars += textLength(p, v, chunk);
        case "reasoning_content", "reasoning" -> chunk.reasoningChars += textLength(p, v, chunk);
        default -> p.skipChildren();
      }
    }
  }

  /** The text's length; the text itself is copied only when the chunk collects it (see {@link Chunk#text}). */
  private static int textLength(JsonParser p, JsonToken value, Chunk chunk) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      return 0;
    }
    if (chunk.text != null && chunk.text.length() <= OutputTokenizer.MAX_TEXT_CHARS) {
      chunk.text.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }
    return p.getTextLength();
  }

  private static Usage readUsage(JsonParser p) throws IOException {
    int prompt = 0;
    int completion = 0;
    int total = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      int n = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
      switch (name) {
        case "prompt_tokens" -> prompt = n;
        case "completion_tokens" -> completion = n;
        case "total_tokens" -> total = n;
        default -> p.skipChildren();
      }
    }
    return new Usage(prompt, completion, total);
  }

  private static String readError(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    String message = "error";
    if (value == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("message") && v == JsonToken.VALUE_STRING) {
          message = p.getText();
        } else {
          p.skipChildren();
        }
      }
    } else {
      p.skipChildren();
    }
    return message;
  }
}
