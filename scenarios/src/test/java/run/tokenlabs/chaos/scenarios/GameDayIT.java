package run.tokenlabs.chaos.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineTestKit;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.scenarios.experiments.ExpectedOnLab;

/**
 * The game day as a test: every experiment of the reference run is run against the lab, once per
 * lab profile, through the real JUnit Platform and engine, and its verdict, findings and key
 * numbers are asserted against its {@link ExpectedOnLab}. (Under {@code mvn -Pchaos verify} the
 * experiments run directly instead, for the Allure report.)
 */
class GameDayIT {
  private static final String EXPERIMENTS = "run.tokenlabs.chaos.scenarios.experiments";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName("gb10 (the reference run's DGX Spark): every experiment reaches its expected verdict")
  void gb10() throws IOException {
    playGameDay("gb10");
  }

  @Test
  @DisplayName("h200 (NVLink and every DCGM field): the hardware-dependent experiments reach their expected verdicts")
  void h200() throws IOException {
    playGameDay("h200");
  }

  private void playGameDay(String profile) throws IOException {
    Map<Method, ExpectedOnLab> expectations = expectations(profile);
    assertThat(expectations).as("experiments expected on " + profile).isNotEmpty();
    Path journalDir = Path.of("target", "gameday", profile);
    var kit = EngineTestKit.engine("junit-jupiter")
        .configurationParameter("tokenlabs.chaos.target", "lab")
        .configurationParameter("tokenlabs.chaos.lab.profile", profile)
        .configurationParameter("tokenlabs.chaos.journal.dir", journalDir.toString());
    kit.selectors(expectations.keySet().stream().map(m -> selectMethod(m.getDeclaringClass(), m))
        .toArray(DiscoverySelector[]::new)).execute();

    List<JsonNode> journal = newestRun(journalDir);
    SoftAssertions softly = new SoftAssertions();
    expectations.forEach((method, expected) -> check(softly, journal, method, expected));
    softly.assertAll();
  }

  private static void check(SoftAssertions softly, List<JsonNode> journal, Method method, ExpectedOnLab expected) {
    String name = experimentName(method);
    List<JsonNode> events = journal.stream().filter(e -> name.equals(e.path("experiment").asText())).toList();
    Optional<JsonNode> verdict = events.stream().filter(e -> "VERDICT".equals(e.path("type").asText())).findFirst();
    softly.assertThat(verdict).as("%s ran and has a verdict", name).isPresent();
    verdict.ifPresent(v -> softly.assertThat(v.path("data").path("verdict").asText())
        .as("%s verdict (message: %s)", name, v.path("data").path("message").asText())
        .isEqualTo(expected.verdict().name()));
    List<String> findings = data(events, "FINDING", "title");
    for (String finding : expected.findings()) {
      softly.assertThat(findings).as("%s findings", name).anyMatch(t -> t.contains(finding));
    }
    List<String> keyNumbers = data(events, "KEY_NUMBER", "name");
    for (String keyNumber : expected.keyNumbers()) {
      softly.assertThat(keyNumbers).as("%s key numbers", name).anyMatch(n -> n.contains(keyNumber));
    }
  }

  private static List<String> data(List<JsonNode> events, String type, String field) {
    return events.stream().filter(e -> type.equals(e.path("type").asText()))
        .map(e -> e.path("data").path(field).asText()).toList();
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

  /** The engine's experiment name: "{id} {Class}#{method}". */
  private static String experimentName(Method method) {
    ChaosExperiment experiment = AnnotationSupport.findAnnotation(method, ChaosExperiment.class)
        .or(() -> AnnotationSupport.findAnnotation(method.getDeclaringClass(), ChaosExperiment.class)).orElseThrow();
    return experiment.id() + " " + method.getDeclaringClass().getSimpleName() + "#" + method.getName();
  }

  private static List<JsonNode> newestRun(Path journalDir) throws IOException {
    Path newest;
    try (Stream<Path> files = Files.list(journalDir)) {
      newest = files.filter(f -> f.getFileName().toString().startsWith("journal-")).max(
          java.util.Comparator.comparing(f -> f.toFile().lastModified())).orElseThrow(() ->
          new AssertionError("no journal in " + journalDir + ": the lab run did not start"));
    }
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(newest)) {
      events.add(JSON.readTree(line));
    }
    return events;
  }
}
