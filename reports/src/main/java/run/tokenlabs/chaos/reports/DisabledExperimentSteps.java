package run.tokenlabs.chaos.reports;

import io.qameta.allure.listener.TestLifecycleListener;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.TestResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import run.tokenlabs.chaos.api.event.CapabilityChecked;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.VerdictReached;

/**
 * Files an experiment that JUnit never started (BLOCKED: its capability condition disabled it)
 * under the game day in Allure, with its capability and verdict steps, like any other experiment.
 *
 * <p>Such a test has no Allure test case while the engine journals it: allure-junit5 creates its
 * skipped result only afterwards, and closes it at once. So {@link AllureSteps} keeps those events
 * here, and this Allure lifecycle listener (registered for Allure's ServiceLoader) adds them to the
 * result whose JUnit unique id they name, just before Allure stops it. A result it has no events
 * for is left as allure-junit5 wrote it: skipped, with the reason as its message.
 */
public final class DisabledExperimentSteps implements TestLifecycleListener {
  /** The label allure-junit5 gives every result: the test's JUnit unique id. */
  static final String UNIQUE_ID = "junit.platform.uniqueid";
  private static final Map<String, List<ChaosEvent>> BY_UNIQUE_ID = new ConcurrentHashMap<>();

  /** Keeps the events of an experiment that ended without a test case, if they say which test it was. */
  static void keep(List<ChaosEvent> events) {
    events.stream().filter(ExperimentStarted.class::isInstance).map(ExperimentStarted.class::cast).findFirst()
        .ifPresent(started -> BY_UNIQUE_ID.put(started.uniqueId(), List.copyOf(events)));
  }

  /** Drops what a run kept and Allure never asked for (no allure-junit5 on the class path). */
  static void forget(String runId) {
    BY_UNIQUE_ID.values().removeIf(events -> events.get(0).runId().equals(runId));
  }

  @Override
  public void beforeTestStop(TestResult result) {
    uniqueId(result).map(BY_UNIQUE_ID::remove).ifPresent(events -> addTo(result, events));
  }

  private static Optional<String> uniqueId(TestResult result) {
    return result.getLabels().stream().filter(label -> UNIQUE_ID.equals(label.getName())).map(Label::getValue)
        .findFirst();
  }

  private static void addTo(TestResult result, List<ChaosEvent> events) {
    for (ChaosEvent event : events) {
      if (event instanceof ExperimentStarted e) {
        GameDayAreas.file(result, e);
      } else if (event instanceof CapabilityChecked e) {
        result.getSteps().add(AllureSteps.capabilityStep(e));
      } else if (event instanceof VerdictReached e) {
        result.getSteps().add(AllureSteps.verdictStep(e));
        result.getLabels().add(AllureSteps.tag(e));
      }
    }
  }
}
