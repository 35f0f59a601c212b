package run.tokenlabs.chaos.lab.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentValuesTest {

  @Test
  void keepsTheLastValuesAfterAMark() {
    RecentValues v = new RecentValues(4);
    v.record(10);
    long mark = v.recorded();
    v.record(3);
    v.record(1);
    v.record(2);
    assertThat(v.since(mark)).containsExactly(3, 1, 2);
    assertThat(v.medianSince(mark)).isEqualTo(2.0);
  }

  @Test
  void aFullRingKeepsOnlyItsCapacity() {
    RecentValues v = new RecentValues(3);
    for (long i = 1; i <= 10; i++) {
      v.record(i);
    }
    assertThat(v.since(0)).containsExactly(8, 9, 10);
    assertThat(v.medianSince(8)).isEqualTo(9.5);
    assertThat(v.medianSince(10)).isNaN();
  }
}
