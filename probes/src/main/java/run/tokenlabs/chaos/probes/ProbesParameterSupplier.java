package run.tokenlabs.chaos.probes;

import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.spi.ExperimentParameterSupplier;
import run.tokenlabs.chaos.probes.api.Probes;

/**
 * Supplies {@link Probes} to experiment methods, built from the run's target with the configured
 * probe timeout. Registered for {@link java.util.ServiceLoader}.
 */
public final class ProbesParameterSupplier implements ExperimentParameterSupplier<Probes> {

  @Override
  public Class<Probes> type() {
    return Probes.class;
  }

  @Override
  public Probes create(Chaos chaos) {
    return Probes.from(chaos.target(), chaos.config().probeTimeout());
  }
}
