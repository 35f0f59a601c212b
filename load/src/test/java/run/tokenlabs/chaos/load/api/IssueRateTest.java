package run.tokenlabs.chaos.load.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IssueRateTest {
  private static final long SECOND = 1_000_000_000L;

  private static IssueRate issuing(long... perSecond) {
    var rate = new IssueRate();
    for (int s = 0; s < perSecond.length; s++) {
      for (long i = 0; i < perSecond[s]; i++) {
        rate.add(s * SECOND + i);
      }
    }
    return rate;
  }

  @Test
  void aSecondFarBelowTheMedianIsACollapse() {
    assertThat(issuing(200, 210, 3, 190, 205, 40).collapse()).get().asString()
        .contains("1 of 5 whole seconds").contains("second 2 issued 3 requests against a median of 200");
  }

  @Test
  void aSteadyRunOrOneTooShortToCompareHasNone() {
    assertThat(issuing(200, 180, 190, 210, 5).collapse()).isEmpty(); // the last second is partial, left out
    assertThat(issuing(200, 0, 200).collapse()).isEmpty();
  }
}
