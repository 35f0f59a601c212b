package run.tokenlabs.chaos.lab.simulator;

/** Error bodies in the shape vLLM's OpenAI server returns them. */
final class OpenAiErrors {
  private OpenAiErrors() {}

  static String body(String message, String type, int code) {
    return "{\"object\":\"error\",\"message\":\"" + escape(message) + "\",\"type\":\"" + type
        + "\",\"param\":null,\"code\":" + code + "}";
  }

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
