package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.junitplatform.AllureJunitPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import run.tokenlabs.chaos.api.spi.ChaosEvent.EventType;
import run.tokenlabs.chaos.api.spi.ChaosEvent;

/**
 * The listener under the real allure-junit5 platform listener, with events sent from the same
 * JUnit callbacks the engine uses (beforeEach, beforeTestExecution, the body, a foreign thread,
 * afterTestExecution, TestWatcher). It proves the test case is current where the engine journals.
 */
class AllureJunitPlatformTest {
  private static final String ENABLED = "tokenlabs.reports.fixture";
  static volatile AllureChaosListener listener;

  @TempDir
  Path results;

  @Test
  @DisplayName("under AllureJunitPlatform, engine-style callbacks land as steps of the test's own result")
  void stepsUnderTheRealPlatformListener() throws Exception {
    AllureLifecycle lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
    listener = new AllureChaosListener(lifecycle, results);
    Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
        .enableTestExecutionListenerAutoRegistration(false)
        .enablePostDiscoveryFilterAutoRegistration(false)
        .addTestExecutionListeners(new AllureJunitPlatform(lifecycle)).build());
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(FakeExperiment.class)).configurationParameter(ENABLED, "true").build();

    launcher.execute(request);

    JsonNode result = onlyTestResult();
    assertThat(result.get("name").asText()).isEqualTo("podComesBack()");
    assertThat(result.get("status").asText()).isEqualTo("passed");
    List<String> steps = new ArrayList<>();
    result.get("steps").forEach(s -> steps.add(s.get("name").asText()));
    assertThat(steps).containsExactly("Steady state before: serving", "Inject fault: delete pod",
        "Guard breached: fixture guard", "Rollback: recreate pod", "Verdict: ✓ HELD");
    List<String> labels = new ArrayList<>();
    result.get("labels").forEach(l -> labels.add(l.get("name").asText() + "=" + l.get("value").asText()));
    assertThat(labels).contains("epic=Game day", "feature=FX-1", "story=Fixture experiment", "tag=HELD");
  }

  private JsonNode onlyTestResult() throws IOException {
    try (Stream<Path> files = Files.list(results)) {
      List<Path> found = files.filter(f -> f.toString().endsWith("-result.json")).toList();
      assertThat(found).hasSize(1);
      return new ObjectMapper().readTree(found.get(0).toFile());
    }
  }

  /** Sends the journal events from the callbacks where the engine's ChaosExtension sends them. */
  static class EngineLikeExtension implements ExecutionCondition, BeforeEachCallback, BeforeTestExecutionCallback,
      AfterTestExecutionCallback, TestWatcher {
    static final String NAME = "FX-1 FakeExperiment#podComesBack";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(ENABLED).isPresent()
          ? ConditionEvaluationResult.enabled("run by AllureJunitPlatformTest")
          : ConditionEvaluationResult.disabled("a fixture: only AllureJunitPlatformTest runs it");
    }

    @Override
    public void beforeEach(ExtensionContext context) {
      send(EventType.EXPERIMENT_STARTED, Map.of("id", "FX-1", "title", "Fixture experiment"));
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
      send(EventType.HYPOTHESIS_CHECKED, Map.of("phase", "before", "hypothesis", "serving", "held", true, "checks", List.of()));
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
      send(EventType.ROLLBACK_DONE, Map.of("rollback", "recreate pod", "kind", "k", "outcome", "done", "source", "experiment"));
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
      send(EventType.VERDICT, Map.of("verdict", "HELD", "message", "hypothesis held"));
    }

    static void send(EventType type, Map<String, Object> data) {
      listener.onEvent(new ChaosEvent(type, Instant.now(), "fixture-run", NAME, data));
    }
  }

  @ExtendWith(EngineLikeExtension.class)
  static class FakeExperiment {
    @Test
    void podComesBack() throws InterruptedException {
      EngineLikeExtension.send(EventType.FAULT_INJECTED, Map.of("fault", "delete pod", "rollback", "recreate pod", "dryRun", false));
      Thread guard = new Thread(() -> EngineLikeExtension.send(EventType.GUARD_BREACHED,
          Map.of("guard", "fixture guard", "check", "c", "reading", "1", "limit", "0")));
      guard.start();
      guard.join();
    }
  }
}
