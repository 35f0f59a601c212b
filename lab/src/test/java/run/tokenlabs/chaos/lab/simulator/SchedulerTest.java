package run.tokenlabs.chaos.lab.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private final EngineMetrics metrics = new EngineMetrics(4096);
  private long now;

  /** Records what the scheduler tells a sequence. */
  static final class Recorder implements Sequence.Listener {
    final List<String> events = new ArrayList<>();

    @Override
    public void onToken(int index, String finishReason) {
      events.add(index + ":" + finishReason);
    }

    @Override
    public void onAbort(String reason) {
      events.add("abort");
    }
  }

  private Sequence seq(long id, int prompt, int output, Recorder r) {
    return new Sequence(id, prompt, output, true, r, now);
  }

  private Scheduler.Step step(Scheduler s) {
    Scheduler.Step step = s.schedule(++now);
    s.complete(step, ++now);
    return step;
  }

  @Test
  @DisplayName("without chunking a prefill is whole: the budget must cover it or it waits")
  void noChunkingSchedulesWholePrefills() {
    Scheduler s = new Scheduler(new SchedulerConfig(4096, 8, 4096, false, 0, 10_000), metrics);
    s.add(seq(1, 3000, 2, new Recorder()));
    s.add(seq(2, 2000, 2, new Recorder()));

    Scheduler.Step first = step(s);

    assertThat(first.prefillTokens()).isEqualTo(3000); // 2000 more would exceed 4096
    assertThat(s.waiting()).isEqualTo(1);
    Scheduler.Step second = step(s);
    assertThat(second.decodeSequences()).isEqualTo(1);
    assertThat(second.prefillTokens()).isEqualTo(2000);
  }

  @Test
  @DisplayName("with chunking a long prefill is split by the budget and samples its first token at the end")
  void chunkingSplitsPrefill() {
    Scheduler s = new Scheduler(new SchedulerConfig(2048, 8, 8192, true, 0, 10_000), metrics);
    Recorder r = new Recorder();
    s.add(seq(1, 5000, 1, r));

    assertThat(step(s).prefillTokens()).isEqualTo(2048);
    assertThat(step(s).prefillTokens()).isEqualTo(2048);
    assertThat(r.events).isEmpty();
    assertThat(step(s).prefillTokens()).isEqualTo(904);
    assertThat(r.events).containsExactly("0:length");
    assertThat(metrics.promptTokens.get()).isEqualTo(5000);
  }

  @Test
  @DisplayName("running decodes take one token each before any prefill; the threshold leaves room for new prompts")
  void decodesFirstThenCappedPrefill() {
    Scheduler s = new Scheduler(new SchedulerConfig(2048, 8, 65536, true, 1024, 10_000), metrics);
    s.add(seq(1, 10, 50, new Recorder()));
    step(s); // prefill of seq 1, first token
    s.add(seq(2, 30_000, 1, new Recorder()));
    s.add(seq(3, 100, 1, new Recorder()));

    Scheduler.Step mixed = step(s);

    assertThat(mixed.decodeSequences()).isEqualTo(1);
    assertThat(mixed.prefillTokens()).isEqualTo(1024 + 100); // long one capped, short one admitted beside it
  }

  @Test
  @DisplayName("out of KV blocks: the newest running request is preempted (RECOMPUTE) and later finishes")
  void preemptionRecompute() {
    // 20 blocks = 320 tokens: two sequences of 150 + 20 output cannot both fit.
    Scheduler s = new Scheduler(new SchedulerConfig(1024, 8, 1024, true, 0, 20), metrics);
    Recorder older = new Recorder();
    Recorder newer = new Recorder();
    Sequence a = seq(1, 150, 20, older);
    Sequence b = seq(2, 150, 20, newer);
    s.add(a);
    s.add(b);

    int steps = 0;
    while (steps < 200 && metrics.preemptions.get() == 0) {
      step(s);
      steps++;
    }

    assertThat(metrics.preemptions.get()).isEqualTo(1);
    assertThat(b.computed).as("RECOMPUTE forgets computed KV").isZero();
    assertThat(b.blocks).isZero();
    assertThat(b.generated).as("output so far is kept").isPositive();
    assertThat(s.waiting()).isEqualTo(1);
    while (steps < 500 && s.hasWork()) {
      step(s);
      steps++;
    }
    assertThat(older.events).hasSize(20).last().isEqualTo("19:length");
    assertThat(newer.events).hasSize(20).last().isEqualTo("19:length");
    assertThat(metrics.kvUsage()).isZero();
  }

  @Test
  @DisplayName("max_num_seqs caps the running batch")
  void maxNumSeqs() {
    Scheduler s = new Scheduler(new SchedulerConfig(4096, 2, 4096, true, 0, 10_000), metrics);
    for (int i = 0; i < 5; i++) {
      s.add(seq(i, 10, 5, new Recorder()));
    }
    step(s);
    assertThat(s.running()).isEqualTo(2);
    assertThat(s.waiting()).isEqualTo(3);
  }

  @Test
  @DisplayName("an aborted request frees its blocks and counts as finished_reason abort")
  void abortFreesBlocks() {
    Scheduler s = new Scheduler(new SchedulerConfig(4096, 8, 4096, true, 0, 100), metrics);
    Recorder r = new Recorder();
    Sequence a = seq(1, 320, 100, r);
    s.add(a);
    step(s);
    assertThat(metrics.kvUsage()).isEqualTo(0.2); // 320 tokens = 20 of 100 blocks

    a.abort();
    step(s);

    assertThat(metrics.kvUsage()).isZero();
    assertThat(r.events).last().isEqualTo("abort");
    assertThat(metrics.success.get("abort").get()).isEqualTo(1);
  }

  @Test
  @DisplayName("vLLM refuses a config without chunking whose budget is below max_model_len")
  void budgetMustCoverMaxModelLenWithoutChunking() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SchedulerConfig(2048, 8, 4096, false, 0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_num_batched_tokens (2048)");
  }
}
