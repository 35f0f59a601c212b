package run.tokenlabs.chaos.engine;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.event.ExperimentStarted;

/**
 * Where the chaos extensions of one test method meet: its {@link ExperimentRun} and hypothesis,
 * kept in the method's {@link ExtensionContext.Store} (never in fields, as JUnit asks of extensions).
 *
 * <p>The experiment starts when an extension first needs it, and starting it journals
 * {@link ExperimentStarted}: the {@link CapabilityCondition} when the experiment requires
 * capabilities (conditions run before any callback), else the lifecycle's {@code beforeEach}.
 */
final class ExperimentStore {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ExperimentStore.class);

  private ExperimentStore() {
  }

  /** The test method's experiment, started now if no extension started it yet. */
  static ExperimentRun start(ExtensionContext context) {
    ExtensionContext.Store store = store(context);
    ExperimentRun exp = store.getOrComputeIfAbsent(ExperimentRun.class, k -> begin(context), ExperimentRun.class);
    // the store closes it with the method's context, so the experiment stays current to its very end
    store.getOrComputeIfAbsent(ActiveExperiment.class, k -> ActiveExperiment.enter(exp), ActiveExperiment.class);
    return exp;
  }

  /** The experiment, if one was started for this context. */
  static Optional<ExperimentRun> current(ExtensionContext context) {
    return Optional.ofNullable(store(context).get(ExperimentRun.class, ExperimentRun.class));
  }

  static void keep(ExtensionContext context, Hypothesis hypothesis) {
    store(context).put(Hypothesis.class, hypothesis);
  }

  /** The steady state checked before the fault, if the experiment has one. */
  static Optional<Hypothesis> hypothesis(ExtensionContext context) {
    return Optional.ofNullable(store(context).get(Hypothesis.class, Hypothesis.class));
  }

  private static ExperimentRun begin(ExtensionContext context) {
    ChaosRun run = ChaosRun.of(context);
    ChaosExperiment experiment = annotation(context);
    Duration recovery = experiment.recoverySeconds() >= 0
        ? Duration.ofSeconds(experiment.recoverySeconds()) : run.config.recoveryTimeout();
    String className = context.getRequiredTestClass().getName();
    String method = context.getRequiredTestMethod().getName();
    ExperimentRun exp = new ExperimentRun(experiment.id() + " " + context.getRequiredTestClass().getSimpleName()
        + "#" + method, run, recovery);
    exp.journal((at, runId, name) -> new ExperimentStarted(at, runId, name, experiment.id(), experiment.title(),
        className, method, context.getUniqueId(), recovery.toSeconds()));
    return exp;
  }

  private static ChaosExperiment annotation(ExtensionContext context) {
    return AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), ChaosExperiment.class)
        .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), ChaosExperiment.class))
        .orElseThrow(() -> new ExtensionConfigurationException(context.getRequiredTestClass().getName()
            + " uses @SteadyState or @RequiresCapability without @ChaosExperiment(id, title); annotate the class "
            + "or the test method with @ChaosExperiment"));
  }

  private static ExtensionContext.Store store(ExtensionContext context) {
    return context.getStore(NAMESPACE);
  }
}
