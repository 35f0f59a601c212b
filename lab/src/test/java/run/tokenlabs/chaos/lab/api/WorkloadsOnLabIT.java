package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Conversation;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.LatencyHistograms;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.PrefixCacheCounters;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.Workload;

/**
 * The load generator's LLM workloads against the lab's vLLM simulator, which caches prefixes as vLLM
 * does: a shared system prompt is served from the cache (high hit rate read from the pod's counters,
 * lower TTFT than prompts of the same length that share nothing), and a multi-turn conversation's TTFT
 * grows with its context when nothing is cached. Loads are short and bounded, sent to the pod directly.
 */
@LabTest(rules = "src/test/resources/lab-rules")
class WorkloadsOnLabIT {
  private static final String MODEL = LabProfile.DEEPSEEK;
  private static final Bounds BOUNDS = Bounds.of(Duration.ofSeconds(20), 24).withRequestTimeout(Duration.ofSeconds(30));

  @Test
  @DisplayName("a shared 8k-token system prompt hits the prefix cache (>= 80% of tokens) and cuts TTFT p50")
  void sharedPrefixHitsTheCache(Lab lab) {
    String pod = lab.modelUrl(MODEL).orElseThrow().toString();
    Endpoint endpoint = Endpoint.chat(pod, MODEL).withIgnoreEos(true);
    Bucket question = Bucket.of("Q", 64, 4);

    PrefixCacheCounters before = PrefixCacheCounters.read(pod + "/metrics");
    LoadResult shared = run(Load.closedLoop(endpoint, 2).withWorkload(Workload.of(question).withSharedPrefix(8192)));
    PrefixCacheCounters sharedCounters = PrefixCacheCounters.read(pod + "/metrics").since(before);
    // the same length, nothing shared: every prompt opens with its own numbered line
    LoadResult distinct = run(Load.closedLoop(endpoint, 2).withWorkload(Workload.of(question.withPromptTokens(8256))));
    PrefixCacheCounters distinctCounters = PrefixCacheCounters.read(pod + "/metrics").since(before).since(sharedCounters);

    assertThat(sharedCounters.hitRate()).as("hit rate of the shared-prefix load, %s", sharedCounters).isPresent();
    assertThat(sharedCounters.hitRate().getAsDouble()).isGreaterThanOrEqualTo(0.8);
    assertThat(distinctCounters.hitRate().orElse(0)).as("distinct prompts, %s", distinctCounters).isLessThan(0.05);
    assertThat(p50Millis(shared.histograms())).as("TTFT p50 (ms): shared prefix against distinct prompts of the same"
        + " length (%s ms)", p50Millis(distinct.histograms())).isLessThan(p50Millis(distinct.histograms()));
  }

  @Test
  @DisplayName("without prefix caching a conversation's TTFT grows with its context, turn by turn")
  void conversationTtftGrowsWithContext(Lab lab) {
    String pod = lab.modelUrl(MODEL).orElseThrow().toString();
    boolean before = lab.prefixCaching(MODEL);
    lab.setPrefixCaching(MODEL, false);
    try {
      Endpoint endpoint = Endpoint.chat(pod, MODEL).withIgnoreEos(true);
      LoadResult result = run(Load.closedLoop(endpoint, 2)
          .withWorkload(Workload.conversation(Conversation.of(3, 2048, 8))));

      double first = p50Millis(result.histograms(Conversation.bucketName(1)));
      double third = p50Millis(result.histograms(Conversation.bucketName(3)));
      assertThat(result.histograms(Conversation.bucketName(3)).ttftMicros().getTotalCount()).isPositive();
      // turn 3 prefills about 3 x 2 048 tokens, turn 1 about 2 048
      assertThat(third).as("TTFT p50 of turn 3 against turn 1 (%s ms)", first).isGreaterThan(first);
    } finally {
      lab.setPrefixCaching(MODEL, before);
    }
  }

  private static LoadResult run(run.tokenlabs.chaos.load.api.LoadSpec spec) {
    LoadResult result = spec.withBounds(BOUNDS).withProgress(Progress.none()).run();
    assertThat(result.ledger().count(Outcome.COMPLETE)).as("ledger %s, errors %s", result.ledger(), result.errors())
        .isEqualTo(result.ledger().scheduled());
    return result;
  }

  private static double p50Millis(LatencyHistograms h) {
    return h.ttftMicros().getValueAtPercentile(50) / 1000.0;
  }
}
