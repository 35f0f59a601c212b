package run.tokenlabs.chaos.lab.simulator;

/**
 * The knobs of vLLM's scheduler that the lab models (names as vLLM's flags).
 *
 * @param maxNumBatchedTokens token budget of one step ({@code --max-num-batched-tokens})
 * @param maxNumSeqs most sequences running at once ({@code --max-num-seqs})
 * @param maxModelLen longest prompt + output accepted ({@code --max-model-len}); longer prompts get 400
 * @param chunkedPrefill whether a prefill may be split across steps ({@code --enable-chunked-prefill})
 * @param longPrefillTokenThreshold with chunking, the most tokens one prefill may take in a step, so
 *     short prompts get budget beside a long one (vLLM's {@code --long-prefill-token-threshold}); 0 = no cap
 * @param kvBlocks KV-cache capacity in blocks of {@link #BLOCK_SIZE} tokens
 */
public record SchedulerConfig(int maxNumBatchedTokens, int maxNumSeqs, int maxModelLen, boolean chunkedPrefill,
                              int longPrefillTokenThreshold, long kvBlocks) {
  /** Tokens per KV block, vLLM's default on CUDA. */
  public static final int BLOCK_SIZE = 16;

  public SchedulerConfig {
    if (!chunkedPrefill && maxNumBatchedTokens < maxModelLen) {
      throw new IllegalArgumentException("Without chunked prefill, max_num_batched_tokens (" + maxNumBatchedTokens
          + ") must be >= max_model_len (" + maxModelLen + ") as vLLM requires; raise the budget or enable chunking");
    }
    if (maxNumBatchedTokens <= 0 || maxNumSeqs <= 0 || maxModelLen <= 0 || kvBlocks <= 0) {
      throw new IllegalArgumentException("scheduler limits must be positive, saw " + this);
    }
  }

  /** The same config with chunked prefill switched, and the budget raised to max_model_len when off. */
  public SchedulerConfig withChunkedPrefill(boolean on, int chunkedBudget) {
    int budget = on ? chunkedBudget : Math.max(chunkedBudget, maxModelLen);
    return new SchedulerConfig(budget, maxNumSeqs, maxModelLen, on, longPrefillTokenThreshold, kvBlocks);
  }

  public SchedulerConfig withKvBlocks(long blocks) {
    return new SchedulerConfig(maxNumBatchedTokens, maxNumSeqs, maxModelLen, chunkedPrefill,
        longPrefillTokenThreshold, blocks);
  }

  public long kvCapacityTokens() {
    return kvBlocks * BLOCK_SIZE;
  }
}
