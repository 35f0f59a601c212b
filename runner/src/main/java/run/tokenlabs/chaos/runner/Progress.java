package run.tokenlabs.chaos.runner;

import java.io.PrintStream;
import java.util.EnumMap;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.FaultActed;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.api.event.VerdictReached;

/**
 * The run as the console shows it, one line per step an operator follows (run, experiment, fault, rollback,
 * verdict), and the verdicts counted for the exit code. One per runner JVM: the engine's listener
 * ({@link ProgressListener}) is created by a service loader, so it reaches this through {@link #current()}.
 */
final class Progress {
  private static final Progress CURRENT = new Progress(System.out);

  private final PrintStream out;
  private final Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);
  private RunStarted run;

  Progress(PrintStream out) {
    this.out = out;
  }

  static Progress current() {
    return CURRENT;
  }

  synchronized void onEvent(ChaosEvent event) {
    if (event instanceof RunStarted started) {
      run = started;
      out.println("[tokenlabs-chaos] run " + started.runId() + " on target " + started.target()
          + (started.dryRun() ? " (dry run)" : "") + "; journal " + started.journal());
    } else if (event instanceof ExperimentStarted started) {
      out.println("[tokenlabs-chaos] " + started.id() + " started: " + started.title());
    } else if (event instanceof FaultActed acted) {
      out.println("[tokenlabs-chaos]   fault acted: " + acted.fault());
    } else if (event instanceof RollbackDone done) {
      out.println("[tokenlabs-chaos]   rolled back: " + done.rollback());
    } else if (event instanceof VerdictReached reached) {
      verdicts.merge(reached.verdict(), 1, Integer::sum);
      out.println("[tokenlabs-chaos] " + reached.experiment() + ": " + reached.verdict()
          + (reached.message().isEmpty() ? "" : " (" + reached.message() + ")"));
    }
  }

  synchronized Map<Verdict, Integer> verdicts() {
    return Map.copyOf(verdicts);
  }

  /** The summary page the reports module writes beside the journal of the run, once the run has started. */
  synchronized Optional<Path> summaryPage() {
    return Optional.ofNullable(run).map(r -> Path.of(r.journal()).toAbsolutePath().resolveSibling(
        "summary-" + r.runId() + ".html"));
  }

  synchronized int verdictCount() {
    return verdicts.values().stream().mapToInt(Integer::intValue).sum();
  }
}
