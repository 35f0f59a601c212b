package run.tokenlabs.chaos.lab.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The simulator's prefix caching: block hashes from prompts, reuse at admission, counters, eviction. */
class PrefixCachingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final EngineMetrics metrics = new EngineMetrics(4096);
  private long now;

  @Test
  @DisplayName("a prompt has one hash per full block of its tokens, and equal prefixes have equal hashes")
  void blockHashesFollowTheTokens() throws Exception {
    String shared = "word ".repeat(40); // 40 tokens
    long[] a = PromptBlocks.ofChat(chat(shared, "alpha ".repeat(30)));
    long[] b = PromptBlocks.ofChat(chat(shared, "omega ".repeat(30)));
    int tokens = CompletionRequest.chatTokens(chat(shared, "alpha ".repeat(30)));

    assertThat(a).hasSize(tokens / SchedulerConfig.BLOCK_SIZE);
    // system message (4 template + 40 content tokens) and the user message's 4 template tokens: 48 tokens,
    // 3 blocks alike; the user's words make the 4th differ
    assertThat(Arrays.copyOf(a, 3)).isEqualTo(Arrays.copyOf(b, 3));
    assertThat(a[3]).isNotEqualTo(b[3]);
    assertThat(PromptBlocks.ofPrompt(JSON.readTree("\"" + "tok ".repeat(47) + "\""))).hasSize(2);
  }

  @Test
  @DisplayName("a request whose prefix is cached skips that prefill, and the counters count tokens as vLLM does")
  void cachedPrefixSkipsPrefill() {
    Scheduler s = scheduler(1000);
    long[] prefix = hashes(1, 10);
    run(s, seq(1, 200, prefix, 11));

    Scheduler.Step admitted = firstStep(s, seq(2, 200, prefix, 22));

    // 10 cached blocks = 160 tokens reused: only 40 prefilled
    assertThat(admitted.prefillTokens()).isEqualTo(40);
    assertThat(metrics.prefixCacheQueries.get()).isEqualTo(400);
    assertThat(metrics.prefixCacheHits.get()).isEqualTo(160);
  }

  @Test
  @DisplayName("a fully cached prompt still computes its last token, and caching off reuses nothing")
  void lastTokenIsRecomputedAndOffMeansOff() {
    Scheduler s = scheduler(1000);
    long[] all = hashes(1, 4); // a 64-token prompt, all 4 blocks cacheable
    run(s, seq(1, 64, all, 0));

    assertThat(firstStep(s, seq(2, 64, all, 0)).prefillTokens()).isEqualTo(16); // 3 blocks hit, the 4th recomputed
    run(s);
    s.setPrefixCaching(false);
    long hits = metrics.prefixCacheHits.get();
    assertThat(firstStep(s, seq(3, 64, all, 0)).prefillTokens()).isEqualTo(64);
    assertThat(metrics.prefixCacheHits.get()).isEqualTo(hits);
  }

  @Test
  @DisplayName("concurrent requests share cached blocks: the KV usage counts a shared block once")
  void sharedBlocksCountOnce() {
    Scheduler s = scheduler(1000);
    long[] prefix = hashes(1, 10);
    s.add(seq(1, 200, prefix, 11, 8));
    step(s); // the first prefills its 200 tokens (13 blocks, 10 of them now cached) and goes on decoding
    s.add(seq(2, 200, prefix, 22, 8));
    step(s);

    // 13 blocks for the first, 3 private + 10 shared for the second: 16 blocks in use, not 26
    assertThat(metrics.kvUsedTokens).isEqualTo(16L * SchedulerConfig.BLOCK_SIZE);
  }

  @Test
  @DisplayName("blocks nobody holds stay cached until new blocks need their room, least recently freed first")
  void evictionUnderPressure() {
    Scheduler s = scheduler(20);
    long[] a = hashes(100, 10);
    long[] b = hashes(200, 10);
    run(s, seq(1, 160, a, 0)); // 10 blocks of a cached and free afterwards
    run(s, seq(2, 160, b, 0)); // 10 of b: the 20-block cache is full of free blocks
    assertThat(metrics.kvUsedTokens).isZero();

    run(s, seq(3, 160, hashes(300, 10), 0)); // needs 10 (+1 for its output) blocks: evicts the oldest, a's

    long hits = metrics.prefixCacheHits.get();
    assertThat(firstStep(s, seq(4, 160, a, 0)).prefillTokens()).isEqualTo(160);
    assertThat(metrics.prefixCacheHits.get()).isEqualTo(hits);
  }

  private Scheduler scheduler(long kvBlocks) {
    return new Scheduler(new SchedulerConfig(4096, 8, 4096, true, 0, kvBlocks), metrics);
  }

  private Sequence seq(long id, int prompt, long[] prefix, long tail) {
    return seq(id, prompt, prefix, tail, 1);
  }

  private Sequence seq(long id, int prompt, long[] prefix, long tail, int output) {
    var seq = new Sequence(id, prompt, output, true, new SchedulerTest.Recorder(), now);
    long[] blocks = Arrays.copyOf(prefix, prompt / SchedulerConfig.BLOCK_SIZE);
    for (int i = prefix.length; i < blocks.length; i++) {
      blocks[i] = tail * 1_000 + i; // blocks after the prefix: unique to this request
    }
    seq.blockHashes = blocks;
    return seq;
  }

  /** {@code count} distinct block hashes starting at {@code first}. */
  private static long[] hashes(long first, int count) {
    long[] h = new long[count];
    for (int i = 0; i < count; i++) {
      h[i] = first * 1_000_000 + i;
    }
    return h;
  }

  /** Runs the sequence (if any) and everything queued to completion. */
  private void run(Scheduler s, Sequence... sequences) {
    for (Sequence seq : sequences) {
      s.add(seq);
    }
    while (s.hasWork()) {
      step(s);
    }
  }

  private Scheduler.Step firstStep(Scheduler s, Sequence seq) {
    s.add(seq);
    return step(s);
  }

  private Scheduler.Step step(Scheduler s) {
    Scheduler.Step step = s.schedule(++now);
    s.complete(step, ++now);
    return step;
  }

  private static JsonNode chat(String system, String user) {
    var messages = JSON.createArrayNode();
    messages.addObject().put("role", "system").put("content", system);
    messages.addObject().put("role", "user").put("content", user);
    return messages;
  }
}
