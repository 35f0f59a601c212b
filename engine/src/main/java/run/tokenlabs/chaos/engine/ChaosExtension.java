package run.tokenlabs.chaos.engine;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.Probe;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.Reading;
import run.tokenlabs.chaos.api.RequiresCapability;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.spi.Capability.Availability;
import run.tokenlabs.chaos.api.spi.Capability;
import run.tokenlabs.chaos.api.spi.ChaosEvent.EventType;
import run.tokenlabs.chaos.api.spi.ExperimentParameterSupplier;
import run.tokenlabs.chaos.engine.RollbackLedger.RollbackFailure;
import run.tokenlabs.chaos.engine.RollbackLedger.Source;

/**
 * The JUnit 5 extension behind {@link ChaosExperiment}: runs the lifecycle of DESIGN section 4
 * around each test method and maps the verdict to a JUnit outcome. State lives in the
 * {@link ExtensionContext.Store}, never in fields.
 */
public final class ChaosExtension implements BeforeAllCallback, BeforeEachCallback, BeforeTestExecutionCallback,
    AfterTestExecutionCallback, AfterEachCallback, ParameterResolver, TestExecutionExceptionHandler, TestWatcher {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ChaosExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    ChaosRun.of(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    ChaosRun run = ChaosRun.of(context);
    ChaosExperiment experiment = experimentAnnotation(context);
    Duration recovery = experiment.recoverySeconds() >= 0
        ? Duration.ofSeconds(experiment.recoverySeconds()) : run.config.recoveryTimeout();
    ExperimentRun exp = new ExperimentRun(displayName(context, experiment), run, recovery);
    store(context).put(ExperimentRun.class, exp);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", experiment.id());
    data.put("title", experiment.title());
    data.put("className", context.getRequiredTestClass().getName());
    data.put("method", context.getRequiredTestMethod().getName());
    data.put("uniqueId", context.getUniqueId());
    data.put("recoveryTimeoutSeconds", recovery.toSeconds());
    exp.journal(EventType.EXPERIMENT_STARTED, data);
    checkCapabilities(context, exp);
  }

  /** After the user's {@code @BeforeEach} methods (which may seed or start load), right before the body. */
  @Override
  public void beforeTestExecution(ExtensionContext context) {
    ExperimentRun exp = store(context).get(ExperimentRun.class, ExperimentRun.class);
    steadyState(context).ifPresent(hypothesis -> checkBefore(exp, hypothesis));
  }

  /** Right after the body, before the user's {@code @AfterEach}: roll back at once, then await recovery. */
  @Override
  public void afterTestExecution(ExtensionContext context) {
    ExperimentRun exp = store(context).get(ExperimentRun.class, ExperimentRun.class);
    if (exp != null) {
      rollBackAndAwaitRecovery(context, exp);
    }
  }

  /** A safety net for faults injected from {@code @BeforeEach} or {@code @AfterEach} methods. */
  @Override
  public void afterEach(ExtensionContext context) {
    ExperimentRun exp = store(context).get(ExperimentRun.class, ExperimentRun.class);
    if (exp != null) {
      exp.stopGuards();
      throwIfRollbackFailed(exp.rollBack(Source.EXPERIMENT));
    }
  }

  private void rollBackAndAwaitRecovery(ExtensionContext context, ExperimentRun exp) {
    exp.stopGuards();
    Thread.interrupted(); // a guard halt interrupts the test thread; that must not leak into the next test
    throwIfRollbackFailed(exp.rollBack(Source.EXPERIMENT));
    GuardBreach breach = exp.breach();
    if (breach != null && context.getExecutionException().isEmpty()) {
      exp.throwIfHalted();
    }
    Hypothesis hypothesis = store(context).get(Hypothesis.class, Hypothesis.class);
    if (hypothesis != null && exp.injectedAnything() && exp.skipReason() == null) {
      new RecoveryCheck(exp, hypothesis).awaitHeld();
    }
  }

  private static void throwIfRollbackFailed(List<RollbackFailure> failures) {
    if (!failures.isEmpty()) {
      throw new RollbackFailedException(failures.stream().map(RollbackFailure::describe)
          .collect(Collectors.joining("; ")) + ". The target may still be broken; the rollback stays pending for the next run.");
    }
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    ExperimentRun exp = store(context).get(ExperimentRun.class, ExperimentRun.class);
    GuardBreach breach = exp == null ? null : exp.breach();
    if (breach != null) {
      Throwable halted = breach.toThrowable();
      halted.addSuppressed(throwable);
      throw halted;
    }
    if (throwable instanceof ConditionTimeoutException) {
      throw new AssertionError(throwable.getMessage(), throwable);
    }
    throw throwable;
  }

  @Override
  public void testSuccessful(ExtensionContext context) {
    verdict(context, Verdict.HELD, "hypothesis held");
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    ExperimentRun exp = store(context).get(ExperimentRun.class, ExperimentRun.class);
    verdict(context, exp != null && exp.blocked() ? Verdict.BLOCKED : Verdict.ABORTED, String.valueOf(cause.getMessage()));
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    verdict(context, cause instanceof AssertionError ? Verdict.DEVIATED : Verdict.ERROR, String.valueOf(cause));
  }

  private void verdict(ExtensionContext context, Verdict verdict, String message) {
    ExperimentRun exp = store(context).get(ExperimentRun.class, ExperimentRun.class);
    if (exp == null) {
      return;
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("verdict", verdict.name());
    data.put("message", message);
    exp.journal(EventType.VERDICT, data);
    exp.run.countVerdict(verdict);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Chaos.class || type == Target.class || type == ChaosConfig.class
        || ParameterSuppliers.find(type).isPresent();
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    ExperimentRun exp = store(context).get(ExperimentRun.class, ExperimentRun.class);
    if (exp == null) {
      throw new ParameterResolutionException(type.getSimpleName() + " is available to @Test, @BeforeEach and "
          + "@SteadyState methods of a @ChaosExperiment, not to " + parameter.getDeclaringExecutable());
    }
    if (type == Chaos.class) {
      return exp;
    }
    if (type == Target.class) {
      return exp.target();
    }
    if (type == ChaosConfig.class) {
      return exp.config();
    }
    ExperimentParameterSupplier<?> supplier = ParameterSuppliers.find(type).orElseThrow();
    return exp.parameter(type, chaos -> supplier.create(chaos));
  }

  private static void checkCapabilities(ExtensionContext context, ExperimentRun exp) {
    for (Class<? extends Capability> type : requiredCapabilities(context)) {
      Capability capability = instantiate(type);
      Probe<Availability> probe = Probe.of("capability: " + capability.name(),
          () -> Reading.of(capability.check(exp.target())));
      Availability availability = exp.run.probeReader.read(probe).value().orElseThrow();
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("capability", capability.name());
      data.put("present", availability.present());
      data.put("reason", availability.reason());
      exp.journal(EventType.CAPABILITY_CHECKED, data);
      if (!availability.present()) {
        exp.skip(capability.name() + " absent: " + availability.reason(), true);
      }
    }
  }

  private static void checkBefore(ExperimentRun exp, Hypothesis hypothesis) {
    HypothesisResult result = exp.evaluator.evaluate(hypothesis);
    journalHypothesis(exp, "before", result);
    Optional<ProbeException> error = result.firstError();
    if (error.isPresent()) {
      throw new ProbeException("Steady state '" + hypothesis.name() + "' could not be checked before the fault, "
          + "so nothing was injected: " + error.get().getMessage(), error.get());
    }
    if (!result.held()) {
      exp.skip("steady state '" + hypothesis.name() + "' not met before the fault, nothing injected: "
          + result.describeFailures(), false);
    }
  }

  static void journalHypothesis(ExperimentRun exp, String phase, HypothesisResult result) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("phase", phase);
    data.put("hypothesis", result.hypothesis());
    data.put("held", result.held());
    data.put("checks", result.toJournal());
    exp.journal(EventType.HYPOTHESIS_CHECKED, data);
  }

  private Optional<Hypothesis> steadyState(ExtensionContext context) {
    List<Method> methods = AnnotationSupport.findAnnotatedMethods(context.getRequiredTestClass(), SteadyState.class,
        HierarchyTraversalMode.TOP_DOWN);
    if (methods.isEmpty()) {
      return Optional.empty();
    }
    if (methods.size() > 1) {
      throw new ExtensionConfigurationException("@SteadyState may be on one method per experiment class; "
          + context.getRequiredTestClass().getName() + " has " + methods.size() + ": "
          + methods.stream().map(Method::getName).collect(Collectors.joining(", ")) + ". Merge them into one Hypothesis.");
    }
    Method method = methods.get(0);
    if (!Hypothesis.class.isAssignableFrom(method.getReturnType())) {
      throw new ExtensionConfigurationException("@SteadyState method " + method.getName() + " must return "
          + Hypothesis.class.getName() + ", but returns " + method.getReturnType().getName());
    }
    Object instance = Modifier.isStatic(method.getModifiers()) ? null : context.getRequiredTestInstance();
    Hypothesis hypothesis = (Hypothesis) context.getExecutableInvoker().invoke(method, instance);
    if (hypothesis == null) {
      throw new ExtensionConfigurationException("@SteadyState method " + method.getName() + " returned null; return a Hypothesis");
    }
    store(context).put(Hypothesis.class, hypothesis);
    return Optional.of(hypothesis);
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

  private static ChaosExperiment experimentAnnotation(ExtensionContext context) {
    return AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), ChaosExperiment.class)
        .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), ChaosExperiment.class))
        .orElseThrow(() -> new ExtensionConfigurationException(context.getRequiredTestClass().getName()
            + " uses @SteadyState or @RequiresCapability without @ChaosExperiment(id, title); annotate the class "
            + "or the test method with @ChaosExperiment"));
  }

  private static String displayName(ExtensionContext context, ChaosExperiment experiment) {
    return experiment.id() + " " + context.getRequiredTestClass().getSimpleName() + "#"
        + context.getRequiredTestMethod().getName();
  }

  private static ExtensionContext.Store store(ExtensionContext context) {
    return context.getStore(NAMESPACE);
  }
}
