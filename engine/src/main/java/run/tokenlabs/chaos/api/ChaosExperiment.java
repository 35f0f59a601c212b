package run.tokenlabs.chaos.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import run.tokenlabs.chaos.engine.ChaosExtension;

/**
 * Makes a JUnit class (or one test method) a chaos experiment: the engine checks the steady state
 * before, runs the test body (which injects faults through {@link Chaos}), rolls back, checks the
 * steady state again until {@link #recoverySeconds()}, and records the {@link Verdict}.
 *
 * <p>Usable as a meta-annotation on your own annotations.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(ChaosExtension.class)
public @interface ChaosExperiment {

  /** The id of the game-day task it reproduces, e.g. {@code LLMD-3}. */
  String id();

  /** What it shows, e.g. "Force-deleting an inference pod is detected". */
  String title();

  /**
   * How long the steady state may take to hold again after rollback, in seconds; {@code -1} takes
   * {@code recoveryTimeout} from the configuration.
   */
  long recoverySeconds() default -1;
}
