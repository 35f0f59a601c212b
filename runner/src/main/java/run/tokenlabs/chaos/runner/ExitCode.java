package run.tokenlabs.chaos.runner;

import java.util.Map;
import run.tokenlabs.chaos.api.Verdict;

/**
 * The runner's exit codes, for a scheduler to act on: the worst verdict of the run decides. ERROR and ABORTED
 * outrank DEVIATED because they mean the run could not tell (nothing was shown either way); a dry run stops every
 * experiment at its first action with ABORTED by design, so there ABORTED counts as planned.
 */
enum ExitCode {
  /** Every experiment HELD or was BLOCKED (a capability absent on this target). */
  HELD(0),
  /** Some experiment DEVIATED (a finding), none ended in ERROR or ABORTED. */
  DEVIATED(1),
  /** Some experiment ended in ERROR or ABORTED, or something failed outside any experiment's verdict. */
  ERROR(2),
  /** The command line or the configuration is wrong; nothing ran. */
  USAGE(64);

  final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /**
   * The exit code of a run.
   *
   * @param verdicts how many experiments reached each verdict
   * @param failuresWithoutVerdict JUnit failures that no verdict accounts for (a class that could not start)
   * @param dryRun whether ABORTED is the planned end of every experiment
   */
  static ExitCode of(Map<Verdict, Integer> verdicts, long failuresWithoutVerdict, boolean dryRun) {
    if (failuresWithoutVerdict > 0 || count(verdicts, Verdict.ERROR) > 0
        || (!dryRun && count(verdicts, Verdict.ABORTED) > 0)) {
      return ERROR;
    }
    return count(verdicts, Verdict.DEVIATED) > 0 ? DEVIATED : HELD;
  }

  private static int count(Map<Verdict, Integer> verdicts, Verdict verdict) {
    return verdicts.getOrDefault(verdict, 0);
  }
}
