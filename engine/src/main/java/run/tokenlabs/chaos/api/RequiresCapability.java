package run.tokenlabs.chaos.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.ExtendWith;
import run.tokenlabs.chaos.api.spi.Capability;
import run.tokenlabs.chaos.engine.CapabilityCondition;

/**
 * Capabilities the target must have. A JUnit execution condition asks the target for each one
 * before anything of the experiment runs (its {@code @BeforeEach} methods, its steady state); an
 * absent one disables the test with the reason {@code BLOCKED: <capability> absent: <reason>} and
 * the verdict {@link Verdict#BLOCKED}, never a failure. A capability the target cannot be asked
 * about makes the experiment {@link Verdict#ERROR}. On a class, it applies to every test method.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(CapabilityCondition.class)
@API(status = EXPERIMENTAL, since = "0.1")
public @interface RequiresCapability {
  Class<? extends Capability>[] value();
}
