package run.tokenlabs.chaos.reports;

import io.qameta.allure.model.Label;
import io.qameta.allure.model.TestResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import run.tokenlabs.chaos.api.event.ExperimentStarted;

/**
 * How Allure files an experiment, the way the reference run's page groups its tasks: by area
 * (the experiment id's prefix: DCGM, TRACE, LLMD, SLO, FAILURE, NEXT-RUN), then by experiment. The same
 * grouping serves the Behaviors view (epic, feature, story) and the Suites view (parent suite,
 * suite, sub-suite), and the test's name becomes {@code <id> <title>} instead of a method signature.
 */
final class GameDayAreas {
  static final String EPIC = "Game day";
  private static final Map<String, String> AREAS = Map.of(
      "DCGM", "DCGM: GPU telemetry",
      "TRACE", "TRACE: distributed tracing",
      "LLMD", "LLMD: llm-d serving and pod failures",
      "SLO", "SLO: latency and availability",
      "FAILURE", "FAILURE: failure simulation",
      "SYNTHESIS", "SYNTHESIS: run summary",
      "NEXT", "NEXT-RUN: the reference run's next run scope");
  /** The labels allure-junit5 sets from the class name; replaced so no suite reads as a fully qualified class. */
  private static final Set<String> SUITE_LABELS = Set.of("parentSuite", "suite", "subSuite");

  private GameDayAreas() {}

  /** The area of an experiment id, e.g. {@code FAILURE: failure simulation} for {@code FAILURE-3}. */
  static String area(String id) {
    String prefix = id.replaceFirst("-.*$", "");
    return AREAS.getOrDefault(prefix, prefix.isEmpty() ? "Other" : prefix);
  }

  /** The experiment's name in the report: id and title. */
  static String displayName(ExperimentStarted event) {
    return event.title().isEmpty() ? event.id() : event.id() + " " + event.title();
  }

  static List<Label> labels(ExperimentStarted event) {
    String area = area(event.id());
    String name = displayName(event);
    return List.of(label("epic", EPIC), label("feature", area), label("story", name),
        label("parentSuite", EPIC), label("suite", area), label("subSuite", name));
  }

  /** Names and files a test result under its area; labels Allure set from the class are replaced. */
  static void file(TestResult result, ExperimentStarted event) {
    result.setName(displayName(event));
    result.getLabels().removeIf(l -> SUITE_LABELS.contains(l.getName()) || "feature".equals(l.getName())
        || "epic".equals(l.getName()) || "story".equals(l.getName()));
    result.getLabels().addAll(labels(event));
  }

  static Label label(String name, String value) {
    return new Label().setName(name).setValue(value);
  }
}
