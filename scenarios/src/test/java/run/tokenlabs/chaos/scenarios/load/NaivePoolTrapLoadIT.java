package run.tokenlabs.chaos.scenarios.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.DURATION;
import static run.tokenlabs.chaos.scenarios.load.LabLoads.assertLedgerBalanced;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.api.Lab;
import run.tokenlabs.chaos.lab.api.LabProfile;
import run.tokenlabs.chaos.lab.api.LabTest;
import run.tokenlabs.chaos.load.api.ApiFlavor;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.ClientPool;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * The connection-pool trap of the reference run, where the client silently dropped 45 of 50 requests,
 * made visible in the ledger: a burst of 20 streams through the lab's gateway, each held open at least
 * 1.6 s by a slow reader, under OkHttp's defaults (5 requests per host) and under pools sized from the
 * load. The counts follow from pacing alone: 5 slots, each busy for at least {@link #HOLD} =
 * {@value #TOKENS} tokens x {@value #PACE_MILLIS} ms, while the whole burst arrives within 200 ms and
 * the default dispatch bound is 1 s. (A bound much tighter than 1 s also rejects requests of a pool that
 * is large enough on a loaded machine: opening 20 connections can take longer than that.)
 */
@LabTest
class NaivePoolTrapLoadIT {
  private static final int BURST = 20;
  private static final int OKHTTP_PER_HOST = 5;
  private static final int TOKENS = 40;
  private static final long PACE_MILLIS = 40;
  private static final Duration DEFAULT_DISPATCH_BOUND = new Bounds(Duration.ofSeconds(1), 1, Duration.ofSeconds(1))
      .maxDispatchDelay();
  private static final Duration HOLD = Duration.ofMillis(TOKENS * PACE_MILLIS);
  private static final Bucket SLOW_READER = Bucket.of("slow", 64, TOKENS).withSlowReader(Duration.ofMillis(PACE_MILLIS));

  @Test
  @DisplayName("naive pool, default dispatch bound 1 s: the 5 first streams complete, the other 15 are rejected "
      + "after waiting in the client's queue, and the ledger says so")
  void naiveDefaultsRejectWhatWaitsPastTheDispatchBound(Lab lab) {
    LoadResult result = burst(lab, ClientPool.naiveDefaults(), DEFAULT_DISPATCH_BOUND).run();

    assertLedgerBalanced(result, BURST);
    assertThat(result.ledger().count(Outcome.COMPLETE)).as("%s", result.ledger()).isEqualTo(OKHTTP_PER_HOST);
    assertThat(result.ledger().count(Outcome.REJECTED)).isEqualTo(BURST - OKHTTP_PER_HOST);
    assertThat(result.records()).filteredOn(r -> r.outcome() == Outcome.REJECTED).allSatisfy(r -> {
      assertThat(r.id()).as("FIFO: the late ones are the last to arrive").isGreaterThanOrEqualTo(OKHTTP_PER_HOST);
      assertThat(r.errorClass()).isEqualTo("ClientQueueTimeout");
      assertThat(r.dispatchDelay()).as("never sent").isEmpty();
      assertThat(r.httpStatus()).isZero();
    });
    assertThat(result.histograms().dispatchDelayMicros().getTotalCount()).as("dispatch delay of sent requests only")
        .isEqualTo(OKHTTP_PER_HOST);
  }

  @Test
  @DisplayName("naive pool, loose dispatch bound: all complete, but each wave of 5 leaves only when the last "
      + "wave's slow readers are done, and the dispatch delay shows it")
  void naiveDefaultsSendLateWhenAllowedTo(Lab lab) {
    LoadResult result = burst(lab, ClientPool.naiveDefaults(), Duration.ofSeconds(15)).run();

    assertLedgerBalanced(result, BURST);
    assertThat(result.ledger().count(Outcome.COMPLETE)).as("%s", result.ledger()).isEqualTo(BURST);
    for (RequestRecord r : result.records()) {
      long wave = r.id() / OKHTTP_PER_HOST;
      // At most 5 streams at once, each holding its slot for at least HOLD: the k-th wave cannot leave earlier.
      assertThat(Duration.ofNanos(r.actualStartNanos())).as("actual start of request %d (wave %d)", r.id(), wave)
          .isGreaterThanOrEqualTo(HOLD.multipliedBy(wave));
      if (wave > 0) {
        assertThat(r.dispatchDelay()).as("dispatch delay of request %d", r.id()).get(DURATION)
            .isGreaterThanOrEqualTo(HOLD.multipliedBy(wave).minusNanos(r.intendedStartNanos()));
      }
    }
    assertThat(result.histograms().dispatchDelayMicros().getMaxValue()).as("worst dispatch delay, us")
        .isGreaterThanOrEqualTo(HOLD.multipliedBy(BURST / OKHTTP_PER_HOST - 1).toNanos() / 1_000
            - Duration.ofMillis(200).toNanos() / 1_000);
  }

  @Test
  @DisplayName("pool sized from the load, same burst and bound: every stream is sent in time and completes")
  void sizedFromLoadCompletesTheBurst(Lab lab) {
    LoadResult result = burst(lab, ClientPool.sizedFromLoad(), DEFAULT_DISPATCH_BOUND).run();

    assertLedgerBalanced(result, BURST);
    assertThat(result.ledger().count(Outcome.COMPLETE)).as("%s; not complete: %s", result.ledger(),
        result.records().stream().filter(r -> r.outcome() != Outcome.COMPLETE)
            .map(r -> r.id() + " " + r.errorClass() + ": " + r.errorDetail()).toList()).isEqualTo(BURST);
    assertThat(result.ledger().count(Outcome.REJECTED)).isZero();
    assertThat(result.histograms().dispatchDelayMicros().getTotalCount()).isEqualTo(BURST);
    // The slow reader takes the last of 40 chunks no earlier than 39 paces after the first.
    assertThat(result.records()).allSatisfy(r -> assertThat(r.e2e()).get(DURATION)
        .isGreaterThanOrEqualTo(HOLD.minusMillis(PACE_MILLIS)));
  }

  /** 20 arrivals 10 ms apart through the gateway, each a slow reader of 40 tokens; 20 s request timeout. */
  private static LoadSpec burst(Lab lab, ClientPool pool, Duration maxDispatchDelay) {
    return Load.openLoop(LabLoads.viaGateway(lab, LabProfile.DEEPSEEK, ApiFlavor.COMPLETIONS).withIgnoreEos(true),
            Arrivals.constant(100))
        .withWorkload(SLOW_READER)
        .withBounds(new Bounds(Duration.ofSeconds(5), BURST, Duration.ofSeconds(20), maxDispatchDelay))
        .withPool(pool)
        .withProgress(Progress.none());
  }
}
