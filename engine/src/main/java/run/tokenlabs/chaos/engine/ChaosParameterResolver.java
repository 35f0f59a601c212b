package run.tokenlabs.chaos.engine;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.ExperimentParameterSupplier;

/**
 * Resolves the parameters of an experiment's methods: {@link Chaos}, {@link Target},
 * {@link ChaosConfig}, and every type an {@link ExperimentParameterSupplier} on the class path
 * offers (one instance per experiment). Registered by {@link ChaosExperiment}.
 */
public final class ChaosParameterResolver implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Chaos.class || type == Target.class || type == ChaosConfig.class
        || ParameterSuppliers.find(type).isPresent();
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    ExperimentRun exp = ExperimentStore.current(context).orElseThrow(() -> new ParameterResolutionException(
        type.getSimpleName() + " is available to @Test, @BeforeEach and @SteadyState methods of a @ChaosExperiment, "
            + "not to " + parameter.getDeclaringExecutable()));
    if (type == Chaos.class) {
      return exp;
    }
    if (type == Target.class) {
      return exp.target();
    }
    if (type == ChaosConfig.class) {
      return exp.config();
    }
    ExperimentParameterSupplier<?> supplier = ParameterSuppliers.find(type).orElseThrow();
    return exp.parameter(type, chaos -> supplier.create(chaos));
  }
}
