package run.tokenlabs.chaos.lab.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs a running lab: its tests may declare a {@link Lab} parameter. One
 * lab per profile is started for the whole test run and closed at its end. Usable as a
 * meta-annotation.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LabExtension.class)
public @interface LabTest {
  /** Profile name: {@code gb10} or {@code h200}. */
  String profile() default "gb10";

  /**
   * A directory of PrometheusRule manifests to load, relative to the working directory; empty for
   * none. Labs with different rules are different labs.
   */
  String rules() default "";
}
