package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.InterChunkGaps;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.RequestRecord;

class OutageLedgerTest {
  private static final long ORIGIN = 1_000_000_000L;
  private static final long DELETED = ORIGIN + 2_000_000_000L;
  private static final long OUTAGE = ORIGIN + 3_000_000_000L;

  @Test
  @DisplayName("requests ended before the deletion are 'before', sent from the outage start 'outage', others between")
  void splitsByTime() {
    RequestRecord early = record(1, 0.1, 0.2, 200);
    RequestRecord inFlight = record(2, 1.9, 2.1, 200);
    RequestRecord routedLate = record(3, 2.5, 2.5, 503);
    RequestRecord outage1 = record(4, 3.0, 3.0, 503);
    RequestRecord outage2 = record(5, 4.0, 4.0, 503);

    OutageLedger ledger = OutageLedger.split(List.of(early, inFlight, routedLate, outage1, outage2), ORIGIN, DELETED,
        OUTAGE);

    assertThat(ledger.before()).containsExactly(early);
    assertThat(ledger.transition()).containsExactly(inFlight, routedLate);
    assertThat(ledger.outage()).containsExactly(outage1, outage2);
    assertThat(ledger.outage5xxRatio()).isEqualTo(1.0);
    assertThat(ledger.describe()).contains("outage: n=2, outcomes {HTTP_ERROR=2}, HTTP status {503=2}");
  }

  @Test
  @DisplayName("one answer served during the outage makes the 5xx ratio fall short of 100%; none is NaN")
  void ratio() {
    OutageLedger ledger = OutageLedger.split(List.of(record(1, 3.5, 3.6, 503), record(2, 3.6, 3.7, 200)), ORIGIN,
        DELETED, OUTAGE);

    assertThat(ledger.outage5xxRatio()).isEqualTo(0.5);
    assertThat(OutageLedger.split(List.of(), ORIGIN, DELETED, OUTAGE).outage5xxRatio()).isNaN();
  }

  private RequestRecord record(long id, double sentSeconds, double endSeconds, int status) {
    long sent = (long) (sentSeconds * 1e9);
    long end = (long) (endSeconds * 1e9);
    boolean ok = status == 200;
    return new RequestRecord(id, "short", 4, false, sent, sent, sent, ok ? end : -1, ok ? end : -1, ok ? end : -1,
        end, InterChunkGaps.of(new int[0], 0), ok ? 4 : 0, ok ? 4 : 0, ok ? "length" : null, null, ok, status,
        ok ? Outcome.COMPLETE : Outcome.HTTP_ERROR, Set.of(), ok ? null : "HTTP " + status,
        ok ? null : "no healthy upstream");
  }
}
