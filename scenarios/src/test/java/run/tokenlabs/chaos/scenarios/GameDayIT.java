package run.tokenlabs.chaos.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineTestKit;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.event.VerdictReached;
import run.tokenlabs.chaos.scenarios.experiments.ExpectedOnLab;
import run.tokenlabs.chaos.testkit.ExperimentJournal;
import run.tokenlabs.chaos.testkit.GameDayJournal;

/**
 * The game day as a test: every experiment of the reference run is run against the lab, once per
 * lab profile, through the real JUnit Platform and engine, and its verdict, findings and key
 * numbers are asserted against its {@link ExpectedOnLab}. (Under {@code mvn -Pchaos verify} the
 * experiments run directly instead, for the Allure report.)
 */
class GameDayIT {
  private static final String EXPERIMENTS = "run.tokenlabs.chaos.scenarios.experiments";

  @Test
  @DisplayName("gb10 (the reference run's DGX Spark): every experiment reaches its expected verdict")
  void gb10() {
    playGameDay("gb10");
  }

  @Test
  @DisplayName("h200 (NVLink and every DCGM field): the hardware-dependent experiments reach their expected verdicts")
  void h200() {
    playGameDay("h200");
  }

  private void playGameDay(String profile) {
    Map<Method, ExpectedOnLab> expectations = expectations(profile);
    assertThat(expectations).as("experiments expected on " + profile).isNotEmpty();
    Path journalDir = Path.of("target", "gameday", profile);
    var kit = EngineTestKit.engine("junit-jupiter")
        .configurationParameter("tokenlabs.chaos.target", "lab")
        .configurationParameter("tokenlabs.chaos.lab.profile", profile)
        // namespaces.allowed is the lab's default, as bin/gameday runs it: GPU-1 needs its gpu-operator
        .configurationParameter("tokenlabs.chaos.journal.dir", journalDir.toString());
    kit.selectors(expectations.keySet().stream().map(m -> selectMethod(m.getDeclaringClass(), m))
        .toArray(DiscoverySelector[]::new)).execute();

    GameDayJournal journal = GameDayJournal.newestIn(journalDir);
    SoftAssertions softly = new SoftAssertions();
    expectations.forEach((method, expected) -> check(softly, journal.experiment(method), expected));
    softly.assertAll();
  }

  private static void check(SoftAssertions softly, ExperimentJournal experiment, ExpectedOnLab expected) {
    String name = experiment.name();
    Optional<VerdictReached> verdict = experiment.verdict();
    softly.assertThat(verdict).as("%s ran and has a verdict", name).isPresent();
    verdict.ifPresent(v -> softly.assertThat(v.verdict()).as("%s verdict (message: %s)", name, v.message())
        .isEqualTo(expected.verdict()));
    List<String> findings = experiment.findings().stream().map(Finding::title).toList();
    for (String finding : expected.findings()) {
      softly.assertThat(findings).as("%s findings", name).anyMatch(t -> t.contains(finding));
    }
    List<String> keyNumbers = experiment.keyNumbers().stream().map(KeyNumber::name).toList();
    for (String keyNumber : expected.keyNumbers()) {
      softly.assertThat(keyNumbers).as("%s key numbers", name).anyMatch(n -> n.contains(keyNumber));
    }
  }

  /** Test methods of experiment classes with an expectation for the profile (method-level wins). */
  static Map<Method, ExpectedOnLab> expectations(String profile) {
    Map<Method, ExpectedOnLab> result = new LinkedHashMap<>();
    for (Class<?> type : ReflectionSupport.findAllClassesInPackage(EXPERIMENTS,
        c -> AnnotationSupport.isAnnotated(c, ChaosExperiment.class), n -> true)) {
      Optional<ExpectedOnLab> onClass = forProfile(AnnotationSupport.findRepeatableAnnotations(type, ExpectedOnLab.class), profile);
      for (Method method : AnnotationSupport.findAnnotatedMethods(type, Test.class,
          org.junit.platform.commons.support.HierarchyTraversalMode.TOP_DOWN)) {
        forProfile(AnnotationSupport.findRepeatableAnnotations(method, ExpectedOnLab.class), profile)
            .or(() -> onClass).ifPresent(e -> result.put(method, e));
      }
    }
    return result;
  }

  private static Optional<ExpectedOnLab> forProfile(List<ExpectedOnLab> all, String profile) {
    return all.stream().filter(e -> e.profile().equals(profile)).findFirst();
  }
}
