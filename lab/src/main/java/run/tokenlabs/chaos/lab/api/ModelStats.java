package run.tokenlabs.chaos.lab.api;

import java.time.Duration;

/**
 * A snapshot of one model pod's simulator, read in-process (no scrape in between).
 *
 * @param pod the pod it belongs to
 * @param kvCacheUsage KV-cache usage 0..1 ({@code vllm:kv_cache_usage_perc})
 * @param preemptions preemptions so far
 * @param running running requests
 * @param waiting waiting requests
 * @param generationTokens tokens generated so far
 * @param steps scheduler steps run
 * @param plannedStepTime sum of the step durations the cost model asked for (wall time)
 * @param maxStepLag the most any step ended after its due time; a scheduler that keeps up keeps this
 *     small and does not let it grow with the run
 * @param lastStepLag how late the last step ended
 * @param tracedRequests completion requests that arrived with a W3C {@code traceparent} header
 * @param lastTraceparent the last {@code traceparent} received, or "" if none
 */
public record ModelStats(String pod, double kvCacheUsage, long preemptions, int running, int waiting,
                         long generationTokens, long steps, Duration plannedStepTime, Duration maxStepLag,
                         Duration lastStepLag, long tracedRequests, String lastTraceparent) {}
