package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The outcome of one experiment, and how JUnit shows it.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Verdict {
  /** The hypothesis held through fault and recovery. JUnit: passed. */
  HELD,
  /** A finding: the hypothesis did not hold, did not recover, or a guard halted the fault. JUnit: failed (AssertionError). */
  DEVIATED,
  /** Steady state was not met before the fault, or a dry run stopped at the first action: nothing injected. JUnit: skipped. */
  ABORTED,
  /** A capability the experiment needs is absent on this target. JUnit: skipped with the reason. */
  BLOCKED,
  /** The framework or the target could not be asked (probe unreachable, timeout, bug). JUnit: failed with a non-assertion exception ("broken"). */
  ERROR
}
