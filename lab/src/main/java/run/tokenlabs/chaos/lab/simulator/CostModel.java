package run.tokenlabs.chaos.lab.simulator;

/**
 * How long one scheduler step takes on the simulated GPU, in simulated seconds: a fixed cost (decode
 * is memory-bound: every step reads the weights once), plus a cost per prefill token (compute-bound),
 * plus a cost per decoding sequence (reading its KV cache).
 */
public record CostModel(double fixedSeconds, double perPrefillTokenSeconds, double perDecodeSequenceSeconds) {
  public double stepSeconds(int prefillTokens, int decodeSequences) {
    return fixedSeconds + prefillTokens * perPrefillTokenSeconds + decodeSequences * perDecodeSequenceSeconds;
  }
}
