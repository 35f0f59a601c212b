package run.tokenlabs.chaos.load.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Loop;

/** How a load is split over its workers: the shares sum to the whole, whatever the number of workers. */
class SharesTest {
  private static final Endpoint ENDPOINT = Endpoint.chat("http://127.0.0.1:8000", "m");

  @Test
  @DisplayName("integer shares sum to the whole for every total and worker count, and differ by at most one")
  void sharesSumToTheWhole() {
    for (long total : new long[] {1, 2, 7, 8, 9, 100, 1_000_003}) {
      for (int n = 1; n <= Math.min(total, 17); n++) {
        int workers = n;
        long[] shares = IntStream.range(0, n).mapToLong(i -> Shares.of(total, workers, i)).toArray();
        assertThat(java.util.Arrays.stream(shares).sum()).as("%d over %d", total, n).isEqualTo(total);
        long min = java.util.Arrays.stream(shares).min().orElseThrow();
        long max = java.util.Arrays.stream(shares).max().orElseThrow();
        assertThat(max - min).as("%d over %d", total, n).isLessThanOrEqualTo(1);
        assertThat(min).isGreaterThanOrEqualTo(1);
      }
    }
  }

  @Test
  @DisplayName("a rate is split in equal parts that add up to it")
  void rateShares() {
    double sum = IntStream.range(0, 3).mapToDouble(i -> Shares.ofRate(10.0, 3, i)).sum();

    assertThat(sum).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  @DisplayName("an index outside 0..n-1 is refused, naming the range and where the index comes from")
  void indexOutOfRange() {
    assertThatThrownBy(() -> Shares.of(8, 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Worker index 2 is outside 0..1 for 2 workers")
        .hasMessageContaining("JOB_COMPLETION_INDEX");
    assertThatThrownBy(() -> Shares.of(8, 2, -1)).hasMessageContaining("Worker index -1");
  }

  @Test
  @DisplayName("the workers' specs split sessions and request bound exactly; worker 0 keeps the load's seeds")
  void workerSpecsSplitTheLoad() {
    LoadSpec whole = Load.closedLoop(ENDPOINT, 9).withWorkload(Bucket.of("A", 16, 4))
        .withBounds(new Bounds(Duration.ofSeconds(5), 101, Duration.ofSeconds(2)));
    WorkerSpec spec = WorkerSpec.fromJson(WorkerSpec.of(whole, "job", "ns", 4, Duration.ofSeconds(30)).toJson());

    int sessions = 0;
    long requests = 0;
    for (int i = 0; i < 4; i++) {
      LoadSpec share = spec.shareOf(i, Optional.empty());
      sessions += ((Loop.Closed) share.loop()).concurrency();
      requests += share.bounds().maxRequests();
      assertThat(share.bounds().duration()).isEqualTo(Duration.ofSeconds(5));
      assertThat(share.endpoint()).isEqualTo(whole.endpoint());
    }
    assertThat(sessions).isEqualTo(9);
    assertThat(requests).isEqualTo(101);
    assertThat(spec.shareOf(0, Optional.empty()).workload().seed()).isEqualTo(whole.workload().seed());
    assertThat(spec.shareOf(1, Optional.empty()).workload().seed()).isNotEqualTo(whole.workload().seed());
  }

  @Test
  @DisplayName("an open loop's workers each get an equal part of the rate and their own arrival seed")
  void openLoopShares() {
    LoadSpec whole = Load.openLoop(ENDPOINT, Arrivals.poisson(12)).withBounds(Bounds.of(Duration.ofSeconds(5), 60));
    WorkerSpec spec = WorkerSpec.of(whole, "job", "ns", 3, Duration.ofSeconds(30));

    Arrivals first = ((Loop.Open) spec.shareOf(0, Optional.empty()).loop()).arrivals();
    Arrivals second = ((Loop.Open) spec.shareOf(1, Optional.empty()).loop()).arrivals();
    assertThat(first.ratePerSecond()).isEqualTo(4.0);
    assertThat(first.seed()).isEqualTo(1L);
    assertThat(second.seed()).isNotEqualTo(first.seed());
  }

  @Test
  @DisplayName("more workers than sessions or than requests is refused with the most workers that fit")
  void tooManyWorkers() {
    assertThatThrownBy(() -> WorkerSpec.check(Load.closedLoop(ENDPOINT, 3), 4))
        .hasMessageContaining("3 sessions cannot be split over 4 workers").hasMessageContaining("at most 3 workers");
    assertThatThrownBy(() -> WorkerSpec.check(Load.closedLoop(ENDPOINT, 30).withBounds(Bounds.of(Duration.ofSeconds(1), 2)), 4))
        .hasMessageContaining("2 requests cannot be split over 4 workers");
  }
}
