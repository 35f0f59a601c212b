package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Finding 03 of the reference run: one long prefill stalls everyone's TTFT; chunked prefill relieves it. */
@LabTest(rules = "src/test/resources/lab-rules")
class ChunkedPrefillIT {
  private static final String MODEL = "deepseek-r1-7b";
  private static final int SHORT = 80;
  private static final long SPACING_MICROS = 50_000;
  private static final long LONG_AT_MILLIS = 1_000;
  /**
   * Steps run 20x slower than the profile's 0.01 time scale (effective 0.2) so the scheduler's
   * effects (a 32k prefill: ~1 s) dwarf the client's own overhead on a busy 2-core machine.
   */
  private static final double SLOWDOWN = 20;

  @Test
  @DisplayName("one 32k prompt among short ones: p95 TTFT >= 3x p50 without chunking, and >= 30% lower with it")
  void longPrefillBlocksShortPrompts(Lab lab) throws Exception {
    boolean before = lab.chunkedPrefill(MODEL);
    try {
      lab.faults(MODEL).slowSteps(SLOWDOWN);
      lab.setChunkedPrefill(MODEL, false);
      assertThat(lab.chunkedPrefill(MODEL)).isFalse();
      shortPromptTtftMillis(lab); // warm-up: JIT and connections, not measured
      double[] off = shortPromptTtftMillis(lab);
      lab.setChunkedPrefill(MODEL, true);
      assertThat(lab.chunkedPrefill(MODEL)).isTrue();
      double[] on = shortPromptTtftMillis(lab);

      assertThat(off[1]).as("p95 vs p50 without chunked prefill (ms): " + off[1] + " vs " + off[0])
          .isGreaterThanOrEqualTo(3 * off[0]);
      assertThat(on[1]).as("p95 with chunked prefill (ms) vs without: " + on[1] + " vs " + off[1])
          .isLessThanOrEqualTo(0.7 * off[1]);
    } finally {
      lab.faults(MODEL).clear();
      lab.setChunkedPrefill(MODEL, before);
    }
  }

  /** p50 and p95 TTFT (ms, from the intended start) of the short prompts of one open-loop run. */
  private static double[] shortPromptTtftMillis(Lab lab) throws Exception {
    await().atMost(Duration.ofSeconds(15)).until(() -> lab.modelStats(MODEL).stream()
        .anyMatch(s -> s.running() == 0 && s.waiting() == 0));
    URI pod = lab.modelUrl(MODEL).orElseThrow();
    String shortBody = OpenAiCalls.completionBody(MODEL, OpenAiCalls.words(50), 4, true);
    String longBody = OpenAiCalls.completionBody(MODEL, OpenAiCalls.words(32_000), 4, true);
    ScheduledExecutorService pool = Executors.newScheduledThreadPool(SHORT + 1);
    try {
      long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
      List<Future<OpenAiCalls.Result>> shorts = new ArrayList<>();
      for (int i = 0; i < SHORT; i++) {
        long intended = t0 + TimeUnit.MICROSECONDS.toNanos(i * SPACING_MICROS);
        shorts.add(pool.schedule(() -> OpenAiCalls.stream(pod, shortBody, intended), intended - System.nanoTime(),
            TimeUnit.NANOSECONDS));
      }
      long longAt = t0 + TimeUnit.MILLISECONDS.toNanos(LONG_AT_MILLIS);
      Future<OpenAiCalls.Result> longOne = pool.schedule(() -> OpenAiCalls.stream(pod, longBody, longAt),
          longAt - System.nanoTime(), TimeUnit.NANOSECONDS);
      double[] ttft = new double[SHORT];
      for (int i = 0; i < SHORT; i++) {
        OpenAiCalls.Result r = shorts.get(i).get(60, TimeUnit.SECONDS);
        assertThat(r.done()).as(String.valueOf(r)).isTrue();
        ttft[i] = r.ttftNanos() / 1e6;
      }
      assertThat(longOne.get(60, TimeUnit.SECONDS).done()).isTrue();
      java.util.Arrays.sort(ttft);
      return new double[] {ttft[(int) Math.ceil(0.50 * SHORT) - 1], ttft[(int) Math.ceil(0.95 * SHORT) - 1]};
    } finally {
      pool.shutdownNow();
    }
  }
}
