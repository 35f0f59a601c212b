package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.ExtendWith;
import run.tokenlabs.chaos.api.spi.ExperimentParameterSupplier;
import run.tokenlabs.chaos.engine.ChaosLifecycleExtension;
import run.tokenlabs.chaos.engine.ChaosParameterResolver;

/**
 * Marks the method that returns the experiment's {@link Hypothesis}. At most one per class; its
 * parameters are resolved like a test method's ({@link Chaos}, {@link Target}, and anything a
 * {@link ExperimentParameterSupplier} offers, such as the probes).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith({ChaosLifecycleExtension.class, ChaosParameterResolver.class})
@API(status = EXPERIMENTAL, since = "0.1")
public @interface SteadyState {
}
