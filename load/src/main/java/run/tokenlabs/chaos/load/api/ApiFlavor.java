package run.tokenlabs.chaos.load.api;

/** Which OpenAI-compatible route a load talks to, and so how the prompt and the stream are shaped. */
public enum ApiFlavor {
  /** {@code POST /v1/completions}: a {@code prompt}, text arrives as {@code choices[].text}. */
  COMPLETIONS("/v1/completions"),
  /** {@code POST /v1/chat/completions}: one user message, text arrives as {@code choices[].delta.content}. */
  CHAT("/v1/chat/completions");

  private final String path;

  ApiFlavor(String path) {
    this.path = path;
  }

  /** The route below the base URL, starting with a slash. */
  public String path() {
    return path;
  }
}
