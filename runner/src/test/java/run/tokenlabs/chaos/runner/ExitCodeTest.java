package run.tokenlabs.chaos.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Verdict;

class ExitCodeTest {

  @Test
  @DisplayName("0 for HELD and BLOCKED, 1 for DEVIATED, 2 for ERROR or ABORTED (over DEVIATED), 64 for usage")
  void worstVerdictDecides() {
    assertThat(ExitCode.of(Map.of(Verdict.HELD, 3, Verdict.BLOCKED, 2), 0, false).code).isZero();
    assertThat(ExitCode.of(Map.of(Verdict.HELD, 3, Verdict.DEVIATED, 1), 0, false).code).isEqualTo(1);
    assertThat(ExitCode.of(Map.of(Verdict.DEVIATED, 1, Verdict.ERROR, 1), 0, false).code).isEqualTo(2);
    assertThat(ExitCode.of(Map.of(Verdict.HELD, 1, Verdict.ABORTED, 1), 0, false).code).isEqualTo(2);
    assertThat(ExitCode.USAGE.code).isEqualTo(64);
  }

  @Test
  @DisplayName("a failure no verdict accounts for is an ERROR; in a dry run ABORTED is the plan, not a failure")
  void failuresAndDryRuns() {
    assertThat(ExitCode.of(Map.of(Verdict.HELD, 2), 1, false)).isEqualTo(ExitCode.ERROR);
    assertThat(ExitCode.of(Map.of(Verdict.ABORTED, 4, Verdict.BLOCKED, 1), 0, true)).isEqualTo(ExitCode.HELD);
    assertThat(ExitCode.of(Map.of(Verdict.ABORTED, 4, Verdict.ERROR, 1), 0, true)).isEqualTo(ExitCode.ERROR);
  }
}
