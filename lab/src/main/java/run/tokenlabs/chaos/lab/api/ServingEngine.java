package run.tokenlabs.chaos.lab.api;

/** Which inference server a model pod imitates, and so which metric names its {@code /metrics} has. */
public enum ServingEngine {
  /** vLLM V1: {@code vllm:*} metrics, label {@code model_name}. */
  VLLM,
  /** SGLang with {@code --enable-metrics}: {@code sglang:*} metrics. */
  SGLANG
}
