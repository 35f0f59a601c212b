package run.tokenlabs.chaos.scenarios.experiments;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import run.tokenlabs.chaos.api.Verdict;

/**
 * What an experiment must produce on a lab profile: the lab reproduces the reference run, so each
 * verdict is known, and {@code GameDayIT} asserts it (with the findings and key numbers named
 * here) in {@code mvn verify}. On a test method it overrides the class's expectation for the
 * same profile.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(ExpectedOnLab.List.class)
public @interface ExpectedOnLab {
  /** Lab profile: {@code gb10} or {@code h200}. */
  String profile() default "gb10";

  /** The verdict the experiment must reach there. */
  Verdict verdict();

  /** Texts that must each appear in the title of some recorded finding. */
  String[] findings() default {};

  /** Texts that must each appear in the name of some recorded key number. */
  String[] keyNumbers() default {};

  /** Container for repeated expectations. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD})
  @interface List {
    ExpectedOnLab[] value();
  }
}
