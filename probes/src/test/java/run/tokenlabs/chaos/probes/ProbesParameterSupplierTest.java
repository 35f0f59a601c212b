package run.tokenlabs.chaos.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.spi.ExperimentParameterSupplier;
import run.tokenlabs.chaos.probes.api.Probes;

class ProbesParameterSupplierTest {

  @Test
  void engineFindsTheProbesSupplierThroughServiceLoader() {
    assertThat(ServiceLoader.load(ExperimentParameterSupplier.class).stream().map(ServiceLoader.Provider::get))
        .anySatisfy(supplier -> {
          assertThat(supplier).isInstanceOf(ProbesParameterSupplier.class);
          assertThat(supplier.type()).isEqualTo(Probes.class);
        });
  }
}
