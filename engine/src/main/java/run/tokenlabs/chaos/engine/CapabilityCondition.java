package run.tokenlabs.chaos.engine;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.spi.Capability.Availability;
import run.tokenlabs.chaos.api.spi.Capability;

/**
 * The JUnit condition behind {@link RequiresCapability}: before anything of the experiment runs, it
 * asks the target for each capability the test method and its class require, journals every
 * answer, and disables the test with the reason of the first absent one, {@code BLOCKED: <name>
 * absent: <reason>}, the way Testcontainers' and fabric8's conditions skip a test whose
 * environment is missing. The lifecycle journals the verdict {@link Verdict#BLOCKED}.
 *
 * <p>A capability that cannot be asked (the target does not answer) is not a reason to skip: the
 * test stays enabled and fails before its body as {@link Verdict#ERROR}.
 */
public final class CapabilityCondition implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      return ConditionEvaluationResult.enabled("capabilities are checked for each experiment method");
    }
    Set<Class<? extends Capability>> required = requiredCapabilities(context);
    if (required.isEmpty()) {
      return ConditionEvaluationResult.enabled("no capability required");
    }
    ExperimentRun exp = ExperimentStore.start(context);
    for (Class<? extends Capability> type : required) {
      Capability capability = instantiate(type);
      Availability availability;
      try {
        availability = exp.checkCapability(capability);
      } catch (ProbeException e) {
        exp.failBeforeStart(new ProbeException("Could not ask the target whether it has capability '"
            + capability.name() + "', so nothing was run or injected: " + e.getMessage(), e));
        return ConditionEvaluationResult.enabled("capability '" + capability.name() + "' could not be asked; "
            + "the experiment fails as ERROR before anything of it runs");
      }
      if (!availability.present()) {
        return ConditionEvaluationResult.disabled(exp.block(capability.name() + " absent: " + availability.reason()));
      }
    }
    return ConditionEvaluationResult.enabled("every required capability is present");
  }

  private static Set<Class<? extends Capability>> requiredCapabilities(ExtensionContext context) {
    Set<Class<? extends Capability>> result = new LinkedHashSet<>();
    AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RequiresCapability.class)
        .ifPresent(a -> result.addAll(List.of(a.value())));
    AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), RequiresCapability.class)
        .ifPresent(a -> result.addAll(List.of(a.value())));
    return result;
  }

  private static Capability instantiate(Class<? extends Capability> type) {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new ExtensionConfigurationException("@RequiresCapability(" + type.getSimpleName() + ".class): cannot "
          + "create it; a Capability needs a public no-argument constructor", e);
    }
  }
}
