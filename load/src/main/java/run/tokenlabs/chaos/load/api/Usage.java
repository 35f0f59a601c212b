package run.tokenlabs.chaos.load.api;

/** The {@code usage} object of the final stream chunk, as the server counted. */
public record Usage(int promptTokens, int completionTokens, int totalTokens) {}
