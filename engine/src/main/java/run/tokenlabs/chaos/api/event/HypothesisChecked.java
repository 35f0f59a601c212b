package run.tokenlabs.chaos.api.event;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The steady-state hypothesis was checked: before the fault, or after the rollback once it held or
 * the recovery timeout passed.
 *
 * @param at when
 * @param runId the run
 * @param experiment the experiment
 * @param phase before the fault or after the rollback
 * @param hypothesis the hypothesis' name
 * @param held whether every check held
 * @param checks each check's result, in the hypothesis' order
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record HypothesisChecked(Instant at, String runId, String experiment, Phase phase, String hypothesis,
                                boolean held, List<CheckResult> checks) implements ChaosEvent {
  public HypothesisChecked {
    Events.requireHeader(at, runId, experiment);
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(hypothesis, "hypothesis");
    checks = List.copyOf(checks);
  }

  /** When in the experiment the hypothesis was checked. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public enum Phase {
    /** Before the fault: if it does not hold, nothing is injected. */
    BEFORE,
    /** After the rollback: it must hold again within the recovery timeout. */
    AFTER
  }

  /**
   * One check of the hypothesis: what was read, and whether it was within tolerance.
   *
   * @param probe the probe's name
   * @param tolerance the tolerance's description, e.g. {@code <= 0.001}
   * @param reading the reading as messages show it (a value, or {@code no data (reason)}); {@code null}
   *     when the probe could not be asked
   * @param held whether the reading was within tolerance
   * @param error why the probe could not be asked, or {@code null}; such a check never holds
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record CheckResult(String probe, String tolerance, String reading, boolean held, String error) {
    public CheckResult {
      Objects.requireNonNull(probe, "probe");
      Objects.requireNonNull(tolerance, "tolerance");
    }
  }
}
