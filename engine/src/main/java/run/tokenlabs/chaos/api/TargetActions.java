package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.spi.ActionGate;

/**
 * The gate that every action on the target other than a fault passes before it sends anything: a
 * load, a probe that writes (a POST). Faults need no gate: {@link Chaos#inject} is theirs.
 *
 * <p>Under dry run ({@code dryRun: true}) {@link #announce(String)} journals the action's plan and
 * ends the experiment in progress as ABORTED, exactly as {@link Chaos#inject} does with a fault, so
 * that the caller never sends and nothing after it computes figures from a load that did not run.
 * Outside a dry run, or when no experiment is in progress in this JVM (a load test, a benchmark),
 * it returns at once.
 *
 * <pre>{@code
 * TargetActions.announce("POST " + url + " (a 2-token completion)");
 * send(request); // never reached in a dry run
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class TargetActions {
  private TargetActions() {
  }

  /**
   * Announces an action on the target before it is taken.
   *
   * @param plan what the action will do, said so that a reader of a dry run's journal knows what it
   *     would have sent (endpoint, requests, concurrency, duration)
   * @throws org.opentest4j.TestAbortedException under dry run, after the plan is journaled: the
   *     experiment ends ABORTED and the action must not be taken
   */
  public static void announce(String plan) {
    Objects.requireNonNull(plan, "plan");
    Holder.GATE.announce(plan);
  }

  /**
   * Where an action may leave evidence files: the journal directory of the run in progress, empty
   * outside an experiment (a load test, a benchmark), where the caller picks its own place.
   */
  public static Optional<Path> evidenceDirectory() {
    return Holder.GATE.evidenceDirectory();
  }

  /** Finds the gate once, on first use (a holder class: no lock after that). */
  private static final class Holder {
    static final ActionGate GATE = ServiceLoader.load(ActionGate.class, TargetActions.class.getClassLoader())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("No " + ActionGate.class.getName() + " on the class path: the "
            + "tokenlabs-chaos-engine jar lists its gate in META-INF/services/" + ActionGate.class.getName()
            + "; check that the jar is complete (a shaded or merged jar must keep its service files)"));
  }
}
