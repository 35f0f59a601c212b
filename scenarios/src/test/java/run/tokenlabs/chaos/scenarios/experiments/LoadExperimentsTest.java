package run.tokenlabs.chaos.scenarios.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
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
import run.tokenlabs.chaos.scenarios.experiments.Slo1BaselineIT.Tier;

/** The pure parts of FAILURE-1, SLO-1 and the chunked-prefill A/B: no lab needed. */
class LoadExperimentsTest {

  @Nested
  @DisplayName("LoadFigures")
  class Figures {
    private final LoadSpec spec = Load.closedLoop(Endpoint.completions("http://127.0.0.1:9", "m"), 2)
        .withWorkload(Bucket.of("C", 16, 4)).withBounds(new Bounds(Duration.ofSeconds(1), 3, Duration.ofSeconds(1)));

    @Test
    @DisplayName("a ledger with a request missing fails the experiment as lost")
    void lostRequestFails() {
      LoadResult result = new LoadResult(spec, 0, Instant.now(), Duration.ofSeconds(1), 3,
          List.of(record(0, 200, Outcome.COMPLETE), record(1, 200, Outcome.COMPLETE)), List.of(), List.of());

      assertThatThrownBy(() -> LoadFigures.assertNothingLost(result, "pressure")).isInstanceOf(AssertionError.class)
          .hasMessageContaining("pressure").hasMessageContaining("Ledger gap");
    }

    @Test
    @DisplayName("every request booked, whatever its outcome, is nothing lost; 5xx are counted apart from 4xx")
    void classifiedIsNotLost() {
      LoadResult result = new LoadResult(spec, 0, Instant.now(), Duration.ofSeconds(1), 3,
          List.of(record(0, 200, Outcome.COMPLETE), record(1, 503, Outcome.HTTP_ERROR), record(2, 400,
              Outcome.HTTP_ERROR)), List.of(), List.of());

      LoadFigures.assertNothingLost(result, "pressure");
      assertThat(LoadFigures.serverErrors(result)).isEqualTo(1);
      assertThat(LoadFigures.complete(result, "C")).isEqualTo(1);
      assertThat(LoadFigures.table(result, new GpuClock(0.01, "test"))).contains("HTTP statuses of failed requests: "
          + "{400=1, 503=1}");
    }

    @Test
    @DisplayName("TTFT in GPU seconds: lab wall time divided by the time scale")
    void gpuSeconds() {
      LoadResult result = new LoadResult(spec, 0, Instant.now(), Duration.ofSeconds(1), 1,
          List.of(record(0, 200, Outcome.COMPLETE)), List.of(), List.of());

      assertThat(LoadFigures.ttftSeconds(result, "C", new GpuClock(0.01, "test"))).containsExactly(5.0);
      assertThat(LoadFigures.ttftSeconds(result, "C", new GpuClock(0.01, "test").slowedBy(4))).containsExactly(1.25);
    }

    /** A request whose first chunk came 50 ms after its intended start (when it completed). */
    private RequestRecord record(long id, int status, Outcome outcome) {
      boolean ok = outcome == Outcome.COMPLETE;
      long first = ok ? 50_000_000L : -1;
      return new RequestRecord(id, "C", 4, false, 0, 0, 1_000_000, first, first, ok ? 80_000_000L : -1, 90_000_000L,
          InterChunkGaps.of(new int[0], 0), ok ? 4 : 0, ok ? 4 : 0, ok ? "length" : null, null, ok, status, outcome,
          Set.of(), ok ? null : "HTTP " + status, null);
    }
  }

  @Nested
  @DisplayName("SLO-2 tiers")
  class Tiers {
    private final List<Tier> tiers = List.of(
        new Tier(1, "Dev", 0.995, Optional.empty()),
        new Tier(2, "Interactive", 0.999, Optional.of(Duration.ofSeconds(30))),
        new Tier(3, "Prod", 0.9995, Optional.of(Duration.ofSeconds(15))));

    @Test
    @DisplayName("the highest tier met on both availability and TTFT p95; a tier without a TTFT target asks only availability")
    void achieved() {
      assertThat(Slo1BaselineIT.achievedTier(tiers, 1.0, 10)).isEqualTo(3);
      assertThat(Slo1BaselineIT.achievedTier(tiers, 1.0, 20)).isEqualTo(2);
      assertThat(Slo1BaselineIT.achievedTier(tiers, 1.0, 67.5)).as("bucket B on gb10").isEqualTo(1);
      assertThat(Slo1BaselineIT.achievedTier(tiers, 0.9992, 10)).as("availability caps it").isEqualTo(2);
      assertThat(Slo1BaselineIT.achievedTier(tiers, 0.99, 10)).as("below Tier 1's availability").isZero();
    }

    @Test
    @DisplayName("tiers nest: missing Tier 2 is below Tier 3 even if Tier 3's own targets were met")
    void nested() {
      List<Tier> odd = List.of(tiers.get(0), new Tier(2, "Interactive", 0.999, Optional.of(Duration.ofSeconds(5))),
          tiers.get(2));
      assertThat(Slo1BaselineIT.achievedTier(odd, 1.0, 10)).isEqualTo(1);
    }

    @Test
    @DisplayName("default targets: Tier 2 at 30 s, Tier 1 none, Tier 3 as Tier 2")
    void defaults() {
      assertThat(Slo1BaselineIT.tiers()).extracting(Tier::ttftP95)
          .containsExactly(Optional.empty(), Optional.of(Duration.ofSeconds(30)), Optional.of(Duration.ofSeconds(30)));
      assertThat(Slo1BaselineIT.tiers()).extracting(Tier::availability).containsExactly(0.995, 0.999, 0.9995);
    }
  }

  @Nested
  @DisplayName("bootstrap p-value of a p95 difference")
  class BootstrapP {
    @Test
    @DisplayName("a tail that falls from 5 s to 1 s is significant although the medians are alike")
    void tailShift() {
      SplittableRandom random = new SplittableRandom(1);
      double[] off = sample(random, 200, 0.6, 0.2, 5.0);
      double[] on = sample(random, 200, 0.6, 0.0, 5.0);

      assertThat(ChunkedPrefillAbIT.bootstrapP95PValue(off, on, 2000, 7)).isLessThan(0.01);
    }

    @Test
    @DisplayName("two samples of one distribution give a large p-value, never exactly 0 or above 1")
    void noShift() {
      SplittableRandom random = new SplittableRandom(2);
      double[] a = sample(random, 200, 0.6, 0.1, 5.0);
      double[] b = sample(random, 200, 0.6, 0.1, 5.0);

      assertThat(ChunkedPrefillAbIT.bootstrapP95PValue(a, b, 2000, 7)).isGreaterThan(0.05).isLessThanOrEqualTo(1.0);
      assertThat(ChunkedPrefillAbIT.bootstrapP95PValue(a, a, 200, 7)).isPositive().isLessThanOrEqualTo(1.0);
    }

    /** {@code n} latencies around {@code median}, a share {@code blocked} of them {@code blockedBy} later. */
    private double[] sample(SplittableRandom random, int n, double median, double blocked, double blockedBy) {
      List<Double> values = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        double v = median * (0.8 + 0.4 * random.nextDouble());
        values.add(random.nextDouble() < blocked ? v + blockedBy * random.nextDouble() + 1 : v);
      }
      return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }
}
