package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.RequestTrace;
import run.tokenlabs.chaos.load.api.Workload;

/**
 * The load generator's LLM workloads against the lab's vLLM simulator, which caches prefixes as vLLM
 * does: a shared system prompt is served from the cache (high hit rate read from the pod's counters,
 * lower TTFT than prompts of the same length that share nothing), and a multi-turn conversation's TTFT
 * grows with its context when nothing is cached, and a trace in the Azure format replays at its times.
 * Loads are short and bounded, sent to the pod directly.
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
    LoadResult shared;
    LoadResult distinct;
    PrefixCacheCounters sharedCounters;
    PrefixCacheCounters distinctCounters;
    try (var slow = SlowSteps.on(lab)) {
      shared = run(Load.closedLoop(endpoint, 2).withWorkload(Workload.of(question).withSharedPrefix(8192)));
      sharedCounters = PrefixCacheCounters.read(pod + "/metrics").since(before);
      // the same length, nothing shared: every prompt opens with its own numbered line
      distinct = run(Load.closedLoop(endpoint, 2).withWorkload(Workload.of(question.withPromptTokens(8256))));
      distinctCounters = PrefixCacheCounters.read(pod + "/metrics").since(before).since(sharedCounters);
    }

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
    try (var slow = SlowSteps.on(lab)) {
      Endpoint endpoint = Endpoint.chat(pod, MODEL).withIgnoreEos(true);
      LoadResult result = run(Load.closedLoop(endpoint, 2)
          .withWorkload(Workload.conversation(Conversation.of(3, 2048, 4))));

      double first = p50Millis(result.histograms(Conversation.bucketName(1)));
      double third = p50Millis(result.histograms(Conversation.bucketName(3)));
      assertThat(result.histograms(Conversation.bucketName(3)).ttftMicros().getTotalCount()).isPositive();
      // turn 3 prefills about 3 x 2 048 tokens, turn 1 about 2 048: 60 ms more at this slowdown
      assertThat(third).as("TTFT p50 of turn 3 against turn 1 (%s ms)", first).isGreaterThan(first);
    } finally {
      lab.setPrefixCaching(MODEL, before);
    }
  }

  @Test
  @DisplayName("an Azure-format trace replays on the lab: every request at its time, with its own lengths")
  void azureTraceReplays(Lab lab, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("azure.csv");
    Files.writeString(file, "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n"
        + "2023-11-16 18:15:47.0000000,879,7\n2023-11-16 18:15:50.9951690,396,19\n2023-11-16 18:15:51,1200,1\n");
    RequestTrace trace = RequestTrace.readAzure(file).withTimeScale(0.1);
    Endpoint endpoint = Endpoint.completions(lab.modelUrl(MODEL).orElseThrow().toString(), MODEL).withIgnoreEos(true);

    LoadResult result = run(Load.replay(endpoint, trace));

    assertThat(result.ledger().scheduled()).isEqualTo(4);
    List<RequestRecord> records = result.records().stream()
        .sorted(Comparator.comparingLong(RequestRecord::intendedStartNanos)).toList();
    assertThat(records).extracting(RequestRecord::intendedStartNanos)
        .containsExactly(0L, 31_941_000L, 431_457_900L, 431_941_000L);
    // the lab generates exactly max_tokens with ignore_eos, and counts the prompt it got
    assertThat(records).extracting(r -> r.usage().completionTokens()).containsExactly(44, 7, 19, 1);
    assertThat(records).extracting(r -> r.usage().promptTokens())
        .allSatisfy(p -> assertThat(p).isPositive());
    assertThat(records.get(3).usage().promptTokens()).isBetween(1100, 1300);
  }

  private static LoadResult run(run.tokenlabs.chaos.load.api.LoadSpec spec) {
    LoadResult result = spec.withBounds(BOUNDS).withProgress(Progress.none()).run();
    assertThat(result.ledger().count(Outcome.COMPLETE)).as("ledger %s, errors %s", result.ledger(), result.errors())
        .isEqualTo(result.ledger().scheduled());
    return result;
  }

  /**
   * The simulated GPU 10 times slower for the block: a prefill of thousands of tokens then takes tens of
   * milliseconds of wall time, well above what a busy build machine adds to a request.
   */
  private record SlowSteps(Lab lab, double before) implements AutoCloseable {
    static SlowSteps on(Lab lab) {
      var slow = new SlowSteps(lab, lab.faults(MODEL).stepSlowdown());
      lab.faults(MODEL).slowSteps(10);
      return slow;
    }

    @Override
    public void close() {
      lab.faults(MODEL).slowSteps(before);
    }
  }

  private static double p50Millis(LatencyHistograms h) {
    return h.ttftMicros().getValueAtPercentile(50) / 1000.0;
  }
}
