package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Verdict;

class VerdictExplanationTest {
  @Test
  @DisplayName("AssertJ's comparison message reads as expected / seen, the description first")
  void comparison() {
    VerdictExplanation why = VerdictExplanation.of(Verdict.DEVIATED, "java.lang.AssertionError: [short prompts' p95 "
        + "TTFT difference (on - off), s] \nExpecting actual:\n  0.0114\nto be less than:\n  0.0 ");

    assertThat(why.expectedSeen()).isEqualTo("short prompts' p95 TTFT difference (on - off), s: expected less than "
        + "0.0, seen 0.0114.");
    assertThat(why.text()).contains("hypothesis did not hold");
    assertThat(why.raw()).startsWith("java.lang.AssertionError").contains("Expecting actual:");
    assertThat(why.rawAddsDetail()).isTrue();
  }

  @Test
  @DisplayName("'expected: X but was: Y' and 'to be positive' read the same way; other messages stay as they are")
  void otherShapes() {
    assertThat(VerdictExplanation.expectedSeen("[5xx ratio] \nexpected: 1.0\n but was: 0.97"))
        .isEqualTo("5xx ratio: expected 1.0, seen 0.97.");
    assertThat(VerdictExplanation.expectedSeen("[preemptions] \nExpecting actual:\n  0.0\nto be greater than:\n  0.0 "))
        .isEqualTo("preemptions: expected greater than 0.0, seen 0.0.");
    assertThat(VerdictExplanation.expectedSeen("Alert 'X' did not fire within 90 s"))
        .isEqualTo("Alert 'X' did not fire within 90 s");
  }

  @Test
  @DisplayName("ERROR says the behaviour is unknown, not deviated, and what to do")
  void errorMeaning() {
    VerdictExplanation why = VerdictExplanation.of(Verdict.ERROR, "run.tokenlabs.chaos.api.ProbeException: down");

    assertThat(why.text()).startsWith("ProbeException: down").contains("unknown").contains("run it again");
  }

  @Test
  @DisplayName("the Prometheus version is read from prometheus --version, or said to be unknown with why")
  void prometheusVersion() {
    assertThat(RunEnvironment.parseVersion("prometheus, version 2.42.0+ds (branch: debian/sid)\n  build user: x"))
        .isEqualTo("2.42.0+ds");
    assertThat(RunEnvironment.parseVersion("command not found")).startsWith("unknown").contains("command not found");
  }

  @Test
  @DisplayName("areas come from the id's prefix; an unknown prefix is its own area")
  void areas() {
    assertThat(GameDayAreas.area("FAILURE-3")).isEqualTo("FAILURE: failure simulation");
    assertThat(GameDayAreas.area("NEXT-RUN-2")).isEqualTo("NEXT-RUN: the reference run's next run scope");
    assertThat(GameDayAreas.area("CHAOS-7")).isEqualTo("CHAOS");
    assertThat(GameDayAreas.area("")).isEqualTo("Other");
  }
}
