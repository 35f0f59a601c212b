package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.spi.Fault;

/**
 * The experiment's handle on the engine, injected as a test-method parameter: inject faults,
 * start guards, record findings and key numbers. Everything it does is journaled.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Chaos {

  /**
   * Injects a fault: prepares it, registers its rollback (store, shutdown hook, pending file) and
   * then acts. In dry-run mode it journals what it would do and stops the experiment as ABORTED.
   * Actions that are not faults (loads, probes that write) are stopped the same way by
   * {@link TargetActions}.
   */
  void inject(Fault<?> fault);

  /** Starts watching a guard until the experiment's rollback. */
  void guard(Guard guard);

  /** Records a finding. */
  void record(Finding finding);

  /**
   * Records a key number. In a dry run nothing was measured: the journal keeps only that it would
   * have been recorded, never its value as a measurement.
   */
  void record(KeyNumber keyNumber);



  /** Journals a piece of evidence (PromQL and result, a percentile table) under a name. */
  void evidence(String name, String content);

  /** The run's target. */
  Target target();

  /** The run's configuration. */
  ChaosConfig config();

  /** This run's id (also in the journal's file name). */
  String runId();

  /** The experiment's recovery timeout. */
  Duration recoveryTimeout();
}
