package run.tokenlabs.chaos.engine;

import java.nio.file.Path;
import java.util.Optional;
import run.tokenlabs.chaos.api.TargetActions;
import run.tokenlabs.chaos.api.spi.ActionGate;

/**
 * The engine's {@link ActionGate}: hands an announced action to the experiment in progress, which
 * stops it under dry run. Public only for {@link java.util.ServiceLoader}; callers use
 * {@link TargetActions}.
 */
public final class DryRunGate implements ActionGate {

  @Override
  public void announce(String plan) {
    ActiveExperiment.current().ifPresent(exp -> exp.announce(plan));
  }

  @Override
  public Optional<Path> evidenceDirectory() {
    return ActiveExperiment.current().map(exp -> exp.run.config.journalDir());
  }
}
