package run.tokenlabs.chaos.load.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.InterChunkGaps;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.ScaledLoadResult;
import run.tokenlabs.chaos.load.api.Slo;
import run.tokenlabs.chaos.load.api.TruncationSignal;
import run.tokenlabs.chaos.load.api.Usage;

/**
 * Two workers' results, shipped as the workers publish them (JSON, compressed histograms) and merged,
 * equal one result built from the union of their records: every histogram count, every percentile,
 * the ledger and the SLO count. The records are drawn from a seeded generator over every outcome, with
 * latencies spread over five orders of magnitude so that many HdrHistogram buckets are involved.
 */
class MergeExactTest {
  private static final double[] PERCENTILES = {0, 1, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};
  private static final LoadSpec SPEC = Load.closedLoop(Endpoint.chat("http://127.0.0.1:8000", "m"), 8)
      .withWorkload(Bucket.of("A", 16, 32))
      .withBounds(new Bounds(Duration.ofSeconds(10), 10_000, Duration.ofSeconds(5)))
      .withSlo(Slo.of(Duration.ofMillis(40), Duration.ofMillis(5), Duration.ofMillis(300)));

  @Test
  @DisplayName("two workers merged give the histograms, percentiles, ledger and goodput of one result over all their records")
  void mergeOfTwoWorkersEqualsTheUnion() {
    List<RequestRecord> first = records(new Random(1), 0, 1_500);
    List<RequestRecord> second = records(new Random(2), 1_500, 900);
    var union = new ArrayList<>(first);
    union.addAll(second);
    Instant t0 = Instant.parse("2026-04-15T02:00:00Z");
    LoadResult one = result(first, t0, 1_500);
    LoadResult two = result(second, t0.plusMillis(3), 900);
    LoadResult whole = result(union, t0, 2_400);

    ScaledLoadResult merged = ResultMerge.merge(SPEC, 2, List.of(shipped(1, two), shipped(0, one)));

    Map<String, Histogram> expected = whole.histograms().named();
    Map<String, Histogram> actual = merged.histograms().named();
    assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    assertThat(expected.keySet()).contains("ttft." + Outcome.TRUNCATED.name());
    expected.forEach((name, h) -> {
      assertThat(actual.get(name)).as(name).isEqualTo(h);
      assertThat(actual.get(name).getTotalCount()).as(name).isEqualTo(h.getTotalCount());
      for (double p : PERCENTILES) {
        assertThat(actual.get(name).getValueAtPercentile(p)).as("%s p%s", name, p).isEqualTo(h.getValueAtPercentile(p));
      }
    });
    assertThat(expected.get("ttft").getTotalCount()).isGreaterThan(1_000);
    assertThat(merged.ledger()).isEqualTo(whole.ledger());
    assertThat(merged.ledger().balanced()).isTrue();
    assertThat(merged.goodput().orElseThrow().met()).isEqualTo(whole.goodput().orElseThrow().met()).isPositive();
    assertThat(merged.workers()).extracting(ScaledLoadResult.Worker::index).containsExactly(0, 1);
    assertThat(merged.workers().get(1).ledger()).isEqualTo(two.ledger());
    assertThat(merged.startedAt()).isEqualTo(t0);
    assertThat(merged.errors()).isEmpty();
  }

  @Test
  @DisplayName("a set of results with a worker missing is refused, naming it, never merged as if whole")
  void missingWorkerIsRefused() {
    LoadResult one = result(records(new Random(3), 0, 50), Instant.EPOCH, 50);

    assertThatThrownBy(() -> ResultMerge.merge(SPEC, 3, List.of(shipped(0, one), shipped(2, one))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("worker 1's is missing");
  }

  @Test
  @DisplayName("a histogram's compressed base64 encoding decodes to an equal histogram, empty and wide-ranged alike")
  void codecRoundTripIsLossless() {
    Histogram wide = new Histogram(Duration.ofHours(1).toNanos() / 1_000, 3);
    var random = new Random(4);
    for (int i = 0; i < 20_000; i++) {
      wide.recordValue((long) Math.pow(10, random.nextDouble() * 9.5));
    }
    Histogram empty = new Histogram(Duration.ofHours(1).toNanos() / 1_000, 3);

    for (Histogram h : new Histogram[] {wide, empty}) {
      Histogram back = HistogramCodec.decode(HistogramCodec.encode(h), "test");
      assertThat(back).isEqualTo(h);
      assertThat(back.getTotalCount()).isEqualTo(h.getTotalCount());
      assertThat(back.getMaxValue()).isEqualTo(h.getMaxValue());
    }
    assertThatThrownBy(() -> HistogramCodec.decode("bm90IGEgaGlzdG9ncmFt", "ttft of worker 3"))
        .hasMessageContaining("Histogram ttft of worker 3 is not a base64 compressed HdrHistogram");
  }

  /** A worker's result as the coordinator reads it: through the JSON the worker publishes. */
  private static WorkerResult shipped(int index, LoadResult result) {
    String json = WorkerResult.of(index, "load-x-" + index, result).toJson();
    assertThat(json.length()).as("well under a ConfigMap's 1 MiB").isLessThan(LoadWorker.MAX_RESULT_BYTES / 4);
    return WorkerResult.fromJson(json, "test");
  }

  private static LoadResult result(List<RequestRecord> records, Instant startedAt, long scheduled) {
    return new LoadResult(SPEC, 0, startedAt, Duration.ofSeconds(10), scheduled, records, List.of(), List.of());
  }

  /** {@code count} records with ids from {@code firstId}: mostly complete, the rest over every failure class. */
  static List<RequestRecord> records(Random random, long firstId, int count) {
    var records = new ArrayList<RequestRecord>();
    for (int i = 0; i < count; i++) {
      long id = firstId + i;
      long start = id * 1_000_000L;
      long ttft = (long) Math.pow(10, 4 + random.nextDouble() * 4); // 10 us .. 100 ms, in nanos
      int tokens = 2 + random.nextInt(31);
      int[] gaps = new int[tokens - 1];
      long t = start + ttft;
      for (int g = 0; g < gaps.length; g++) {
        gaps[g] = 50 + random.nextInt(20_000);
        t += gaps[g] * 1_000L;
      }
      long dispatch = random.nextInt(500_000);
      int kind = random.nextInt(20);
      RequestRecord r;
      if (kind < 15) {
        r = new RequestRecord(id, "A", 32, false, start, start + dispatch, start + ttft / 2, start + ttft, start + ttft,
            t, t + 1_000, InterChunkGaps.of(gaps, gaps.length), tokens, tokens, "length", new Usage(16, tokens, 16 + tokens),
            true, 200, Outcome.COMPLETE, Set.of(), null, null);
      } else if (kind < 17) {
        r = new RequestRecord(id, "A", 32, false, start, start + dispatch, start + ttft, start + ttft, start + ttft, t,
            t + 500, InterChunkGaps.of(gaps, gaps.length), tokens, tokens, null, null, false, 200, Outcome.TRUNCATED,
            Set.of(TruncationSignal.NO_DONE, TruncationSignal.NO_USAGE), null, null);
      } else if (kind < 19) {
        r = new RequestRecord(id, "A", 32, false, start, start + dispatch, start + ttft, -1, -1, -1, start + ttft,
            InterChunkGaps.of(new int[0], 0), 0, 0, null, null, false, random.nextBoolean() ? 500 : 429,
            Outcome.HTTP_ERROR, Set.of(), null, "server error");
      } else {
        r = new RequestRecord(id, "A", 32, false, start, -1, -1, -1, -1, -1, start + 5_000_000_000L,
            InterChunkGaps.of(new int[0], 0), 0, 0, null, null, false, 0, Outcome.TIMEOUT, Set.of(),
            "java.io.InterruptedIOException", "timeout");
      }
      records.add(r);
    }
    return records;
  }
}
