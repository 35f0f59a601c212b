package run.tokenlabs.chaos.scenarios.experiments.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A lab variant that breaks the target on purpose to show that its check catches it, so it ends
 * DEVIATED by design (TRACE-2/3 with the gateway's exporter misconfigured). Tagged {@value #TAG}:
 * {@code GameDayIT} selects it by method and asserts the DEVIATED verdict; the game day
 * ({@code mvn -Pchaos verify}, {@code bin/gameday}) excludes the tag, so its exit code still means
 * "nothing deviated that was not meant to"; {@code -Dtokenlabs.chaos.excludedGroups=} runs it too.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Tag(DeviatesByDesign.TAG)
public @interface DeviatesByDesign {
  /** The JUnit tag the game day's failsafe run excludes. */
  String TAG = "deviates-by-design";
}
