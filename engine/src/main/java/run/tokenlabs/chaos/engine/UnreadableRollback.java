package run.tokenlabs.chaos.engine;

import java.time.Duration;
import java.util.List;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Rollback;

/**
 * A pending rollback of an earlier run that this run cannot rebuild (its class is missing, is not a
 * rollback record, or its state does not fit). Its undo fails with {@code problem}, which names the
 * file, line and kind, so the run stops before any experiment, as for any failed recovery.
 *
 * @param kind the kind recorded in the file
 * @param description the recorded description
 * @param stateKeys the recorded state's keys
 * @param problem why it cannot be completed, and what to do
 */
record UnreadableRollback(String kind, String description, List<String> stateKeys, String problem)
    implements Rollback {

  UnreadableRollback {
    stateKeys = List.copyOf(stateKeys);
  }

  @Override
  public void undo(Target target, Duration timeout) {
    throw new IllegalStateException(problem);
  }
}
