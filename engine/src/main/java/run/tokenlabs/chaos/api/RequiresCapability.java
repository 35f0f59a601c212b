package run.tokenlabs.chaos.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import run.tokenlabs.chaos.api.spi.Capability;
import run.tokenlabs.chaos.engine.ChaosExtension;

/**
 * Capabilities the target must have. Each is checked before the steady state; an absent one makes
 * the experiment {@link Verdict#BLOCKED} (skipped, with the capability's reason), never failed.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(ChaosExtension.class)
public @interface RequiresCapability {
  Class<? extends Capability>[] value();
}
