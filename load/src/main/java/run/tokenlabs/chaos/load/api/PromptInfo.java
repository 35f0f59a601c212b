package run.tokenlabs.chaos.load.api;

/**
 * How a bucket's prompt was built: the tokens asked for, the tokens the prompt has, and whether that
 * count is exact (the server's {@code POST /tokenize} said so) or estimated (no such route: one token
 * per word assumed). {@code tokenizeCalls} is how many round trips it took.
 */
public record PromptInfo(String bucket, int targetTokens, int promptTokens, boolean exact, int tokenizeCalls, int bytes) {}
