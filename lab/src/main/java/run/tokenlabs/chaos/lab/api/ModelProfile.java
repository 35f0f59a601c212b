package run.tokenlabs.chaos.lab.api;

import java.time.Duration;
import java.util.Objects;

/**
 * One model deployment in the lab: what it is called, how it is managed in Kubernetes, which engine
 * it imitates and how fast the simulated GPU runs it. Immutable; the {@code with*} methods copy.
 *
 * @param name served model name, also the pod's {@code app} label and the Service name
 * @param engine vLLM or SGLang metric names
 * @param bare true for a bare pod (restartPolicy Never, no controller), false for a Deployment
 * @param podName the bare pod's name; ignored for a Deployment (its pods get generated names)
 * @param node the Kubernetes node (and so the DCGM exporter) the pod runs on
 * @param kvCapacityTokens KV-cache capacity in tokens (rounded down to blocks of 16)
 * @param maxModelLen longest prompt + output accepted
 * @param maxNumBatchedTokens step token budget while chunked prefill is on; raised to maxModelLen when off
 * @param maxNumSeqs most running sequences
 * @param chunkedPrefill whether chunked prefill is on at start
 * @param longPrefillTokenThreshold with chunking, cap of one prefill per step (0 = none)
 * @param stepFixedSeconds simulated seconds every step costs (weights read once per step)
 * @param prefillTokenSeconds simulated seconds per prefill token
 * @param decodeSequenceSeconds simulated seconds per decoding sequence in a step
 * @param meanOutputTokens mean output length when the client does not force one
 * @param reasoningShare share of chat output sent as {@code reasoning_content}
 * @param modelLoadDelay wall time a (re)started pod takes before it reports Ready
 */
public record ModelProfile(String name, ServingEngine engine, boolean bare, String podName, String node,
                           long kvCapacityTokens, int maxModelLen, int maxNumBatchedTokens, int maxNumSeqs,
                           boolean chunkedPrefill, int longPrefillTokenThreshold, double stepFixedSeconds,
                           double prefillTokenSeconds, double decodeSequenceSeconds, int meanOutputTokens,
                           double reasoningShare, Duration modelLoadDelay) {
  public ModelProfile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(modelLoadDelay, "modelLoadDelay");
    if (kvCapacityTokens < 16) {
      throw new IllegalArgumentException("kvCapacityTokens must hold at least one block of 16 tokens, saw "
          + kvCapacityTokens + " for model " + name);
    }
  }

  public ModelProfile withChunkedPrefill(boolean on) {
    return new ModelProfile(name, engine, bare, podName, node, kvCapacityTokens, maxModelLen, maxNumBatchedTokens,
        maxNumSeqs, on, longPrefillTokenThreshold, stepFixedSeconds, prefillTokenSeconds, decodeSequenceSeconds,
        meanOutputTokens, reasoningShare, modelLoadDelay);
  }

  public ModelProfile withKvCapacityTokens(long tokens) {
    return new ModelProfile(name, engine, bare, podName, node, tokens, maxModelLen, maxNumBatchedTokens,
        maxNumSeqs, chunkedPrefill, longPrefillTokenThreshold, stepFixedSeconds, prefillTokenSeconds,
        decodeSequenceSeconds, meanOutputTokens, reasoningShare, modelLoadDelay);
  }

  public ModelProfile withModelLoadDelay(Duration delay) {
    return new ModelProfile(name, engine, bare, podName, node, kvCapacityTokens, maxModelLen, maxNumBatchedTokens,
        maxNumSeqs, chunkedPrefill, longPrefillTokenThreshold, stepFixedSeconds, prefillTokenSeconds,
        decodeSequenceSeconds, meanOutputTokens, reasoningShare, delay);
  }

  /**
   * KV capacity from the hardware, as vLLM sizes it: {@code gpu_memory_utilization} (0.9) of memory,
   * less weights and activations, divided by the bytes one token's K and V take.
   */
  public static long kvCapacityTokens(double memoryGb, double weightsGb, double activationsGb, long kvBytesPerToken) {
    return (long) ((memoryGb * 0.9 - weightsGb - activationsGb) * 1e9 / kvBytesPerToken);
  }
}
