package run.tokenlabs.chaos.lab.simulator;

import java.util.Objects;

/**
 * Everything one model server needs to know.
 *
 * @param modelName the served model name (clients send it as {@code model})
 * @param flavor vLLM or SGLang metric names
 * @param scheduler scheduler limits and KV capacity
 * @param chunkedBudget the token budget used while chunked prefill is on (kept so it can be toggled)
 * @param cost simulated step durations
 * @param timeScale wall seconds per simulated second (0.01 = 100 times faster than the GPU)
 * @param meanOutputTokens mean of the output-length distribution when the client does not force one
 * @param reasoningShare share of the output streamed as {@code reasoning_content} in chat (R1 models)
 * @param seed seed of the output-length draws, so runs repeat
 */
public record SimulatorConfig(String modelName, MetricsExposition.Flavor flavor, SchedulerConfig scheduler,
                              int chunkedBudget, CostModel cost, double timeScale, int meanOutputTokens,
                              double reasoningShare, long seed) {
  public SimulatorConfig {
    Objects.requireNonNull(modelName, "modelName");
    if (timeScale <= 0) {
      throw new IllegalArgumentException("timeScale must be > 0 (1 = real GPU speed), saw " + timeScale);
    }
  }
}
