package run.tokenlabs.chaos.lab.simulator;

/**
 * One request inside the scheduler: its prompt, how far its KV is computed, what it generated.
 * Mutated only by the scheduler's thread; {@link #abort()} may be called from any thread.
 *
 * <p>Tokens are counted as vLLM V1 does: the sequence holds {@code promptTokens + generated} tokens
 * of which {@code computed} have KV; a step that computes the last one samples a new token. After a
 * RECOMPUTE preemption {@code computed} is 0 again and prompt and output are prefilled anew.
 */
public final class Sequence {
  /** Receives what happens to a sequence; called on the scheduler thread, so it must not block. */
  public interface Listener {
    /** A token was sampled; {@code finishReason} is null unless it is the last one. */
    void onToken(int index, String finishReason);

    /** The sequence ended without finishing (server stopped, client gone). */
    void onAbort(String reason);
  }

  final long id;
  final int promptTokens;
  final int outputTarget;
  final boolean targetIsLimit;
  final Listener listener;
  final long arrivalNanos;
  /** The request's {@code n}: how many choices its parent request asked for. */
  final int paramN;
  /** The request's {@code max_tokens}, or the room left in the context when it gave none. */
  final int paramMaxTokens;
  int computed;
  int generated;
  long blocks;
  long firstScheduledNanos = -1;
  long firstTokenNanos = -1;
  long lastTokenNanos = -1;
  int preemptions;
  volatile boolean abortRequested;
  /** The prompt's full blocks by content ({@link PromptBlocks}); empty when unknown (no prefix caching). */
  long[] blockHashes = new long[0];
  /** Cached blocks this sequence holds a reference on (hit at admission, or computed and registered). */
  final java.util.List<Long> heldCached = new java.util.ArrayList<>();
  /** Prompt blocks looked up or registered so far: those below this index are cached or stay private. */
  int registeredBlocks;

  /**
   * @param outputTarget tokens to generate before finishing
   * @param targetIsLimit true if the target is max_tokens (finish reason {@code length}), false if the
   *     model "chose" to stop there (finish reason {@code stop})
   */
  public Sequence(long id, int promptTokens, int outputTarget, boolean targetIsLimit, Listener listener,
                  long arrivalNanos) {
    this(id, promptTokens, outputTarget, targetIsLimit, listener, arrivalNanos, 1, outputTarget);
  }

  /**
   * A sequence of a request that asked for {@code paramN} choices and {@code paramMaxTokens} tokens
   * (what vLLM's {@code vllm:request_params_*} histograms record).
   */
  Sequence(long id, int promptTokens, int outputTarget, boolean targetIsLimit, Listener listener, long arrivalNanos,
           int paramN, int paramMaxTokens) {
    if (promptTokens < 1 || outputTarget < 1) {
      throw new IllegalArgumentException("a sequence needs >= 1 prompt and output token; saw prompt="
          + promptTokens + " output=" + outputTarget);
    }
    this.id = id;
    this.promptTokens = promptTokens;
    this.outputTarget = outputTarget;
    this.targetIsLimit = targetIsLimit;
    this.listener = listener;
    this.arrivalNanos = arrivalNanos;
    this.paramN = paramN;
    this.paramMaxTokens = paramMaxTokens;
  }

  /** Blocks this sequence occupies: private ones plus cached ones it holds. */
  long allBlocks() {
    return blocks + heldCached.size();
  }

  int totalTokens() {
    return promptTokens + generated;
  }

  int remaining() {
    return totalTokens() - computed;
  }

  /** A decode step computes only the last sampled token; anything more is (re)prefill. */
  boolean isDecoding() {
    return generated > 0 && remaining() == 1;
  }

  boolean finished() {
    return generated >= outputTarget;
  }

  public long id() {
    return id;
  }

  public int generated() {
    return generated;
  }

  public int preemptions() {
    return preemptions;
  }

  /** Asks the scheduler to drop this sequence at its next step. */
  public void abort() {
    abortRequested = true;
  }
}
