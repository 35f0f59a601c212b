package run.tokenlabs.chaos.scenarios.experiments.support;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Enables a {@link DeviatesByDesign} variant only when asked for; otherwise skips it, saying how to run it. */
public final class DeviatesByDesignCondition implements ExecutionCondition {
  /** The switch, read as a JUnit configuration parameter (system properties included). */
  public static final String ENABLE = "tokenlabs.chaos.lab.deviationsByDesign";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    boolean enabled = context.getConfigurationParameter(ENABLE).map(Boolean::parseBoolean).orElse(false);
    return enabled
        ? ConditionEvaluationResult.enabled(ENABLE + "=true: this variant breaks the lab on purpose and DEVIATES")
        : ConditionEvaluationResult.disabled("a lab variant that breaks the target on purpose and ends DEVIATED by "
            + "design; run it with -D" + ENABLE + "=true (GameDayIT does, and asserts the verdict)");
  }
}
