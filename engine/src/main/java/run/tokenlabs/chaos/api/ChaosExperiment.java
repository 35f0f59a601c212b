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
import run.tokenlabs.chaos.engine.ChaosLifecycleExtension;
import run.tokenlabs.chaos.engine.ChaosParameterResolver;

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
@ExtendWith({ChaosLifecycleExtension.class, ChaosParameterResolver.class})
@API(status = EXPERIMENTAL, since = "0.1")
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
