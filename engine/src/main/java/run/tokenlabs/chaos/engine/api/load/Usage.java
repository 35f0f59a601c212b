package run.tokenlabs.chaos.engine.api.load;

/** The {@code usage} object of the final stream chunk, as the server counted. */
public record Usage(int promptTokens, int completionTokens, int totalTokens) {}
