package run.tokenlabs.chaos.engine;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.ProbeException;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.HypothesisChecked.Phase;
import run.tokenlabs.chaos.api.event.RollbackSource;
import run.tokenlabs.chaos.api.event.VerdictReached;
import run.tokenlabs.chaos.engine.RollbackLedger.RollbackFailure;

/**
 * The lifecycle of a {@link ChaosExperiment} around each test method: steady state before the
 * body, rollback right after it, recovery awaited, and the {@link Verdict} journaled and mapped to
 * a JUnit outcome. Capabilities are checked earlier by {@link CapabilityCondition}, parameters
 * resolved by {@link ChaosParameterResolver}.
 */
public final class ChaosLifecycleExtension implements BeforeAllCallback, BeforeEachCallback,
    BeforeTestExecutionCallback, AfterTestExecutionCallback, AfterEachCallback, TestExecutionExceptionHandler,
    TestWatcher {

  /** The run starts with the first experiment class, so a bad configuration fails the class before any test. */
  @Override
  public void beforeAll(ExtensionContext context) {
    ChaosRun.of(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    ExperimentStore.start(context).throwIfNotStartable();
  }

  /** After the user's {@code @BeforeEach} methods (which may seed or start load), right before the body. */
  @Override
  public void beforeTestExecution(ExtensionContext context) {
    ExperimentRun exp = ExperimentStore.start(context);
    steadyState(context).ifPresent(hypothesis -> checkBefore(exp, hypothesis));
  }

  /** Right after the body, before the user's {@code @AfterEach}: roll back at once, then await recovery. */
  @Override
  public void afterTestExecution(ExtensionContext context) {
    ExperimentStore.current(context).ifPresent(exp -> rollBackAndAwaitRecovery(context, exp));
  }

  /** A safety net for faults injected from {@code @BeforeEach} or {@code @AfterEach} methods. */
  @Override
  public void afterEach(ExtensionContext context) {
    ExperimentStore.current(context).ifPresent(exp -> {
      exp.stopGuards();
      throwIfRollbackFailed(exp.rollBack(RollbackSource.EXPERIMENT));
    });
  }

  private static void rollBackAndAwaitRecovery(ExtensionContext context, ExperimentRun exp) {
    exp.stopGuards();
    Thread.interrupted(); // a guard halt interrupts the test thread; that must not leak into the next test
    throwIfRollbackFailed(exp.rollBack(RollbackSource.EXPERIMENT));
    GuardBreach breach = exp.breach();
    if (breach != null && context.getExecutionException().isEmpty()) {
      exp.throwIfHalted();
    }
    if (context.getExecutionException().isEmpty()) {
      exp.throwIfRefused();
    }
    Optional<Hypothesis> hypothesis = ExperimentStore.hypothesis(context);
    if (hypothesis.isPresent() && exp.injectedAnything() && exp.skipReason() == null) {
      new RecoveryCheck(exp, hypothesis.get()).awaitHeld();
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
    ExperimentStore.current(context).ifPresent(exp -> exp.throwIfStoppedByDryRun(throwable));
    GuardBreach breach = ExperimentStore.current(context).map(ExperimentRun::breach).orElse(null);
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
    verdict(context, Verdict.ABORTED, String.valueOf(cause.getMessage()));
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    verdict(context, cause instanceof AssertionError ? Verdict.DEVIATED : Verdict.ERROR, String.valueOf(cause));
  }

  /** BLOCKED when {@link CapabilityCondition} disabled it; an experiment another condition disabled did nothing: ABORTED. */
  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    ExperimentStore.current(context).ifPresent(exp -> verdict(context,
        exp.blocked() ? Verdict.BLOCKED : Verdict.ABORTED, reason.orElse("disabled")));
  }

  private static void verdict(ExtensionContext context, Verdict verdict, String message) {
    ExperimentStore.current(context).ifPresent(exp -> {
      exp.journal((at, runId, experiment) -> new VerdictReached(at, runId, experiment, verdict, message));
      exp.run.countVerdict(verdict);
    });
  }

  private static void checkBefore(ExperimentRun exp, Hypothesis hypothesis) {
    HypothesisResult result = exp.evaluator.evaluate(hypothesis);
    exp.throwIfStoppedByDryRun(null); // a probe of the steady state would have sent load: its plan ends the run here
    exp.journalHypothesis(Phase.BEFORE, result);
    Optional<ProbeException> error = result.firstError();
    if (error.isPresent()) {
      throw new ProbeException("Steady state '" + hypothesis.name() + "' could not be checked before the fault, "
          + "so nothing was injected: " + error.get().getMessage(), error.get());
    }
    if (!result.held()) {
      exp.abort("steady state '" + hypothesis.name() + "' not met before the fault, nothing injected: "
          + result.describeFailures());
    }
  }

  private static Optional<Hypothesis> steadyState(ExtensionContext context) {
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
    ExperimentStore.keep(context, hypothesis);
    return Optional.of(hypothesis);
  }
}
