package run.tokenlabs.chaos.engine;

import run.tokenlabs.chaos.api.Guard;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.engine.HypothesisResult.CheckResult;

/**
 * A guard that tripped, and the failure the experiment ends with: an {@link AssertionError}
 * (DEVIATED) when the reading left its tolerance, a {@link ProbeException} (ERROR) when the guard's
 * probe could not be read.
 */
record GuardBreach(Guard guard, CheckResult result) {

  String message() {
    if (result.error() != null) {
      return "Guard '" + guard.name() + "' could not read its probe, so the fault was halted and rolled back: "
          + result.error().getMessage();
    }
    return "Guard '" + guard.name() + "' breached: " + guard.check().probe().name() + " expected "
        + guard.check().tolerance().description() + ", saw " + result.reading()
        + "; the fault was halted and rolled back at once";
  }

  RuntimeException orError() {
    return result.error() != null ? new ProbeException(message(), result.error()) : null;
  }

  Throwable toThrowable() {
    RuntimeException error = orError();
    return error != null ? error : new AssertionError(message());
  }
}
