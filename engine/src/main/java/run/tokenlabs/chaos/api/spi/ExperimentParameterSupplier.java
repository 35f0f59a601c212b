package run.tokenlabs.chaos.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.SteadyState;

/**
 * Supplies one parameter type to experiment methods (test and {@link SteadyState} methods), built
 * from the run's {@link Chaos} handle. Found through {@link java.util.ServiceLoader}; this is how
 * the {@code probes} module offers {@code Probes} without the engine knowing it.
 *
 * @param <T> the parameter type
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface ExperimentParameterSupplier<T> {

  /** The parameter type it supplies. */
  Class<T> type();

  /** Builds the value for one experiment. */
  T create(Chaos chaos);
}
