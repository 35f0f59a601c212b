package run.tokenlabs.chaos.scenarios.experiments.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A lab variant that breaks the target on purpose to show that its check catches it, so it ends
 * DEVIATED by design (TRACE-2/3 with the gateway's exporter misconfigured). It runs only when the
 * configuration parameter or system property {@value DeviatesByDesignCondition#ENABLE} is
 * {@code true}: {@code GameDayIT} sets it and asserts the DEVIATED verdict; a plain game day
 * ({@code bin/gameday}) skips it with the reason, so that its exit code still means "nothing deviated
 * that was not meant to" (add {@code -D}{@value DeviatesByDesignCondition#ENABLE}{@code =true} to see them).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(DeviatesByDesignCondition.class)
public @interface DeviatesByDesign {
}
