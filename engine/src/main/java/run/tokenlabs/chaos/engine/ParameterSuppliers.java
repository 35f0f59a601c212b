package run.tokenlabs.chaos.engine;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import run.tokenlabs.chaos.api.spi.ExperimentParameterSupplier;

/** The {@link ExperimentParameterSupplier}s on the class path, loaded once. */
final class ParameterSuppliers {
  private static final List<ExperimentParameterSupplier<?>> SUPPLIERS = ServiceLoader
      .load(ExperimentParameterSupplier.class).stream().<ExperimentParameterSupplier<?>>map(ServiceLoader.Provider::get).toList();

  private ParameterSuppliers() {
  }

  static Optional<ExperimentParameterSupplier<?>> find(Class<?> type) {
    return SUPPLIERS.stream().filter(s -> s.type() == type).findFirst();
  }
}
