package run.tokenlabs.chaos.lab.simulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * vLLM V1's continuous-batching scheduler as the lab models it: each step has a token
 * budget; running requests are served first (one token per decode, prefill chunks), then waiting
 * requests are admitted while budget, {@code max_num_seqs} and KV blocks allow. When a running
 * request cannot get blocks, the newest running request is preempted (RECOMPUTE).
 *
 * <p>With prefix caching on (vLLM V1's default, {@link #setPrefixCaching}), a waiting request's
 * leading full blocks whose content is cached ({@link PrefixCache}) are reused at admission: their
 * prefill is skipped, and {@code vllm:prefix_cache_queries}/{@code _hits} count the request's tokens
 * and the reused ones, as vLLM counts them when it looks a request up. The lookup stops one token short
 * of the whole sequence (vLLM recomputes at least the last token to get logits). Prompt blocks are
 * registered as soon as they are computed, so concurrent requests share them too; blocks nobody holds
 * stay cached until new blocks need their room (least recently freed first).
 *
 * <p>Pure logic driven by {@link #schedule} and {@link #complete}: it has no clock of its own, so
 * tests drive it step by step. All methods except {@link #add} and the gauges run on one thread.
 */
public final class Scheduler {
  /** One sequence's share of a step. */
  record Slice(Sequence sequence, int tokens, boolean decode) {}

  /** What one step computes. */
  public record Step(List<Slice> slices, int prefillTokens, int decodeSequences) {
    public boolean isEmpty() {
      return slices.isEmpty();
    }

    public int tokens() {
      return prefillTokens + decodeSequences;
    }
  }

  private volatile SchedulerConfig config;
  private final EngineMetrics metrics;
  private final ConcurrentLinkedQueue<Sequence> inbox = new ConcurrentLinkedQueue<>();
  private final Deque<Sequence> waiting = new ArrayDeque<>();
  private final List<Sequence> running = new ArrayList<>();
  private long usedBlocks;
  private final PrefixCache cache = new PrefixCache();
  private volatile boolean prefixCaching = true;
  private volatile int runningCount;
  private volatile int waitingCount;

  public Scheduler(SchedulerConfig config, EngineMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  /** Queues a request; it joins the waiting queue at the next step. Any thread. */
  public void add(Sequence sequence) {
    inbox.add(sequence);
  }

  /** Takes effect at the next step (a config change in the lab, a restart in real life). */
  public void reconfigure(SchedulerConfig newConfig) {
    this.config = newConfig;
  }

  public SchedulerConfig config() {
    return config;
  }

  /** Prefix caching on or off from the next step on (vLLM: {@code --enable-prefix-caching}, on by default in V1). */
  public void setPrefixCaching(boolean on) {
    this.prefixCaching = on;
  }

  public boolean prefixCaching() {
    return prefixCaching;
  }

  /** Plans the next step at {@code nowNanos}; empty when there is nothing to do. */
  public Step schedule(long nowNanos) {
    SchedulerConfig cfg = config;
    drainInboxAndAborts();
    if (!prefixCaching) {
      cache.evictDownTo(0); // switched off: nothing stays cached once released
    }
    List<Slice> slices = new ArrayList<>();
    int budget = cfg.maxNumBatchedTokens();
    boolean preempted = false;
    int i = 0;
    while (i < running.size() && budget > 0) {
      Sequence seq = running.get(i);
      int n = tokensFor(seq.remaining(), budget, cfg);
      if (n == 0) {
        i++;
        continue;
      }
      boolean scheduled = true;
      while (!canAllocate(seq, n, cfg)) {
        Sequence victim = running.remove(running.size() - 1);
        preempt(victim);
        preempted = true;
        if (victim == seq) {
          scheduled = false;
          break;
        }
      }
      if (!scheduled) {
        break;
      }
      slices.add(allocate(seq, n, nowNanos));
      budget -= n;
      i++;
    }
    // vLLM admits no new request in a step that had to preempt: it would only be preempted again.
    while (!preempted && !waiting.isEmpty() && running.size() < cfg.maxNumSeqs() && budget > 0) {
      Sequence seq = waiting.peekFirst();
      int hit = cachedBlocks(seq);
      int n = tokensFor(seq.remaining() - hit * SchedulerConfig.BLOCK_SIZE, budget, cfg);
      if (n == 0 || !canAdmit(seq, hit, n, cfg)) {
        break;
      }
      waiting.pollFirst();
      running.add(seq);
      reuse(seq, hit);
      slices.add(allocate(seq, n, nowNanos));
      budget -= n;
    }
    publishGauges(cfg);
    int prefill = 0;
    int decodes = 0;
    for (Slice s : slices) {
      if (s.decode()) {
        decodes++;
      } else {
        prefill += s.tokens();
      }
    }
    return new Step(List.copyOf(slices), prefill, decodes);
  }

  /** Applies a planned step that ended at {@code nowNanos}: computes KV, samples tokens, finishes. */
  public void complete(Step step, long nowNanos) {
    if (!step.isEmpty()) {
      metrics.iterationTokens.observe(step.tokens());
    }
    for (Slice slice : step.slices()) {
      Sequence seq = slice.sequence();
      if (!running.contains(seq)) {
        continue; // aborted while the step ran
      }
      seq.computed += slice.tokens();
      register(seq);
      if (seq.remaining() > 0) {
        continue; // a prefill chunk: no token yet
      }
      sample(seq, nowNanos);
    }
    publishGauges(config);
  }

  /** Ends every sequence, e.g. when the pod is deleted: their clients see the stream cut. */
  public void abortAll(String reason) {
    drainInboxAndAborts();
    List<Sequence> all = new ArrayList<>(running);
    all.addAll(waiting);
    running.clear();
    waiting.clear();
    usedBlocks = 0;
    cache.clear();
    for (Sequence s : all) {
      s.blocks = 0;
      s.heldCached.clear();
      s.registeredBlocks = 0;
      metrics.finished("abort");
      s.listener.onAbort(reason);
    }
    publishGauges(config);
  }

  public int running() {
    return runningCount;
  }

  public int waiting() {
    return waitingCount;
  }

  public boolean hasWork() {
    return runningCount + waitingCount > 0 || !inbox.isEmpty();
  }

  private int tokensFor(int remaining, int budget, SchedulerConfig cfg) {
    if (!cfg.chunkedPrefill()) {
      return remaining <= budget ? remaining : 0; // a whole prefill or nothing
    }
    int n = remaining;
    int cap = cfg.longPrefillTokenThreshold();
    if (cap > 0 && n > cap) {
      n = cap;
    }
    return Math.min(n, budget);
  }

  private boolean canAllocate(Sequence seq, int tokens, SchedulerConfig cfg) {
    return usedBlocks + blocksNeeded(seq, tokens) <= cfg.kvBlocks();
  }

  private static long blocksNeeded(Sequence seq, int tokens) {
    long target = (seq.computed + tokens + SchedulerConfig.BLOCK_SIZE - 1) / SchedulerConfig.BLOCK_SIZE;
    return Math.max(0, target - seq.allBlocks());
  }

  /** Leading prompt blocks of a waiting sequence that are cached, short of its last token; 0 with caching off. */
  private int cachedBlocks(Sequence seq) {
    if (!prefixCaching || seq.computed != 0) {
      return 0;
    }
    return cache.match(seq.blockHashes, (seq.totalTokens() - 1) / SchedulerConfig.BLOCK_SIZE);
  }

  /** Room for the new blocks, and for the cached ones it reuses that are free now (they become used). */
  private boolean canAdmit(Sequence seq, int hit, int tokens, SchedulerConfig cfg) {
    long fresh = (hit * SchedulerConfig.BLOCK_SIZE + tokens + SchedulerConfig.BLOCK_SIZE - 1)
        / SchedulerConfig.BLOCK_SIZE - hit;
    return usedBlocks + cache.freeAmong(seq.blockHashes, hit) + fresh <= cfg.kvBlocks();
  }

  /** Admission of a waiting sequence: takes its cached blocks, skips their prefill, counts the lookup. */
  private void reuse(Sequence seq, int hit) {
    if (!prefixCaching) {
      return;
    }
    usedBlocks += cache.acquire(seq.blockHashes, hit, seq.heldCached);
    seq.computed = hit * SchedulerConfig.BLOCK_SIZE;
    seq.registeredBlocks = hit;
    metrics.prefixCacheQueries.add(seq.totalTokens());
    metrics.prefixCacheHits.add((long) hit * SchedulerConfig.BLOCK_SIZE);
  }

  /**
   * Newly computed full prompt blocks become cached, held by this sequence; a block another sequence
   * cached meanwhile stays private (vLLM keeps the duplicate uncached too).
   */
  private void register(Sequence seq) {
    if (!prefixCaching) {
      return;
    }
    int full = Math.min(Math.min(seq.computed, seq.promptTokens) / SchedulerConfig.BLOCK_SIZE, seq.blockHashes.length);
    for (int i = seq.registeredBlocks; i < full; i++) {
      long h = seq.blockHashes[i];
      if (!cache.contains(h) && seq.blocks > 0) {
        cache.register(h);
        seq.blocks--;
        seq.heldCached.add(h);
      }
    }
    seq.registeredBlocks = Math.max(seq.registeredBlocks, full);
  }

  /** Gives back every block of a sequence: private ones free, cached ones one reference less. */
  private void release(Sequence seq) {
    usedBlocks -= seq.blocks;
    seq.blocks = 0;
    usedBlocks -= cache.release(seq.heldCached);
    seq.registeredBlocks = 0;
    cache.evictDownTo(config.kvBlocks() - usedBlocks);
  }

  private Slice allocate(Sequence seq, int tokens, long nowNanos) {
    long more = blocksNeeded(seq, tokens);
    cache.evictDownTo(config.kvBlocks() - usedBlocks - more);
    seq.blocks += more;
    usedBlocks += more;
    if (seq.firstScheduledNanos < 0) {
      seq.firstScheduledNanos = nowNanos;
      metrics.queueTime.observe(seconds(nowNanos - seq.arrivalNanos));
    }
    return new Slice(seq, tokens, seq.isDecoding());
  }

  /** RECOMPUTE: free the blocks, forget the computed KV, back to the head of the waiting queue. */
  private void preempt(Sequence victim) {
    release(victim);
    victim.computed = 0;
    victim.preemptions++;
    waiting.addFirst(victim);
    metrics.preemptions.increment();
  }

  private void sample(Sequence seq, long nowNanos) {
    seq.generated++;
    metrics.generationTokens.increment();
    if (seq.firstTokenNanos < 0) {
      seq.firstTokenNanos = nowNanos;
      metrics.promptTokens.add(seq.promptTokens);
      metrics.ttft.observe(seconds(nowNanos - seq.arrivalNanos));
      metrics.ttftNanos.record(nowNanos - seq.arrivalNanos);
      metrics.prefillTime.observe(seconds(nowNanos - seq.firstScheduledNanos));
    } else {
      double gap = seconds(nowNanos - seq.lastTokenNanos);
      metrics.interTokenLatency.observe(gap);
      metrics.timePerOutputTokenDeprecated.observe(gap); // vLLM 0.10 still fills the old name alike
    }
    seq.lastTokenNanos = nowNanos;
    String finish = null;
    if (seq.finished()) {
      finish = seq.targetIsLimit ? "length" : "stop";
      finish(seq, nowNanos, finish);
    }
    seq.listener.onToken(seq.generated - 1, finish);
  }

  private void finish(Sequence seq, long nowNanos, String reason) {
    running.remove(seq);
    release(seq);
    metrics.finished(reason);
    metrics.requestPromptTokens.observe(seq.promptTokens);
    metrics.requestGenerationTokens.observe(seq.generated);
    metrics.requestParamsN.observe(seq.paramN);
    metrics.requestParamsMaxTokens.observe(seq.paramMaxTokens);
    metrics.e2e.observe(seconds(nowNanos - seq.arrivalNanos));
    metrics.inferenceTime.observe(seconds(nowNanos - seq.firstScheduledNanos));
    metrics.decodeTime.observe(seconds(nowNanos - seq.firstTokenNanos));
    if (seq.generated > 1) {
      metrics.timePerOutputToken.observe(seconds(nowNanos - seq.firstTokenNanos) / (seq.generated - 1));
    }
  }

  private void drainInboxAndAborts() {
    for (Sequence s; (s = inbox.poll()) != null; ) {
      waiting.addLast(s);
    }
    for (Sequence s : List.copyOf(running)) {
      if (s.abortRequested) {
        running.remove(s);
        release(s);
        metrics.finished("abort");
        s.listener.onAbort("client gone");
      }
    }
    waiting.removeIf(s -> {
      if (s.abortRequested) {
        metrics.finished("abort");
        s.listener.onAbort("client gone");
      }
      return s.abortRequested;
    });
  }

  private void publishGauges(SchedulerConfig cfg) {
    runningCount = running.size();
    waitingCount = waiting.size();
    metrics.kvUsage = (double) usedBlocks / cfg.kvBlocks();
    metrics.kvUsedTokens = usedBlocks * SchedulerConfig.BLOCK_SIZE;
    metrics.running = runningCount;
    metrics.waiting = waitingCount;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
