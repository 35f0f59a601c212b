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
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
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
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.CapabilityChecked;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.FaultActed;
import run.tokenlabs.chaos.api.event.FaultPrepared;
import run.tokenlabs.chaos.api.event.GuardBreached;
import run.tokenlabs.chaos.api.event.HypothesisChecked;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RollbackSource;
import run.tokenlabs.chaos.api.event.VerdictReached;

/**
 * The listener under the real allure-junit5 platform listener, with events sent from the same
 * JUnit callbacks the engine uses (the capability condition, beforeTestExecution, the body, a
 * foreign thread, afterTestExecution, TestWatcher). It proves the test case is found where the
 * engine journals, including events sent before allure-junit5 has started it, and that a BLOCKED
 * experiment is a skipped result with its reason.
 */
class AllureJunitPlatformTest {
  private static final String ENABLED = "tokenlabs.reports.fixture";
  private static final String RUN = "fixture-run";
  static volatile AllureChaosListener listener;

  @TempDir
  Path results;

  private void run(Class<?> fixture) {
    AllureLifecycle lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
    listener = new AllureChaosListener(lifecycle, results);
    Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
        .enableTestExecutionListenerAutoRegistration(false)
        .enablePostDiscoveryFilterAutoRegistration(false)
        .addTestExecutionListeners(new AllureJunitPlatform(lifecycle)).build());
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(fixture)).configurationParameter(ENABLED, "true").build();
    launcher.execute(request);
  }

  @Test
  @DisplayName("under AllureJunitPlatform, engine-style callbacks land as steps of the test's own result")
  void stepsUnderTheRealPlatformListener() throws Exception {
    run(FakeExperiment.class);

    JsonNode result = onlyTestResult();
    assertThat(result.get("name").asText()).as("id and title, not the method signature")
        .isEqualTo("FX-1 Fixture experiment");
    assertThat(result.get("status").asText()).isEqualTo("passed");
    List<String> steps = new ArrayList<>();
    result.get("steps").forEach(s -> steps.add(s.get("name").asText()));
    assertThat(steps).as("the capability, checked before Allure started the test, comes first")
        .containsExactly("Capability: NVLink metrics", "Steady state before: serving", "Inject fault: delete pod",
            "Guard breached: fixture guard", "Rollback: recreate pod", "Verdict: ✓ HELD");
    List<String> labels = new ArrayList<>();
    result.get("labels").forEach(l -> labels.add(l.get("name").asText() + "=" + l.get("value").asText()));
    assertThat(labels).contains("epic=Game day", "feature=FX", "story=FX-1 Fixture experiment", "parentSuite=Game day",
        "suite=FX", "subSuite=FX-1 Fixture experiment", "tag=HELD");
    assertThat(labels).as("no suite named by the fully qualified class").noneMatch(l -> l.startsWith("suite=run."));
  }

  @Test
  @DisplayName("a BLOCKED experiment (disabled by its capability condition) is a skipped result with its reason, "
      + "filed under the game day with its capability and verdict steps")
  void blockedIsSkippedWithItsReason() throws Exception {
    run(BlockedExperiment.class);

    JsonNode result = onlyTestResult();
    assertThat(result.get("name").asText()).isEqualTo("FX-2 Fixture experiment");
    assertThat(result.get("status").asText()).isEqualTo("skipped");
    String reason = result.at("/statusDetails/message").asText();
    assertThat(reason).isEqualTo(BlockedExperiment.REASON);
    assertThat(reason).as("the categories.json entry for BLOCKED matches it").matches("(?s)BLOCKED: .*");
    List<String> steps = new ArrayList<>();
    result.get("steps").forEach(s -> steps.add(s.get("name").asText() + " [" + s.get("status").asText() + "]"));
    assertThat(steps).containsExactly("Capability: NVLink metrics [skipped]", "Verdict: ⛔ BLOCKED [skipped]");
    List<String> labels = new ArrayList<>();
    result.get("labels").forEach(l -> labels.add(l.get("name").asText() + "=" + l.get("value").asText()));
    assertThat(labels).contains("epic=Game day", "feature=FX", "story=FX-2 Fixture experiment", "tag=BLOCKED");
  }

  private JsonNode onlyTestResult() throws IOException {
    try (Stream<Path> files = Files.list(results)) {
      List<Path> found = files.filter(f -> f.toString().endsWith("-result.json")).toList();
      assertThat(found).hasSize(1);
      return new ObjectMapper().readTree(found.get(0).toFile());
    }
  }

  /** Sends the journal events from the callbacks where the engine's extensions send them. */
  static class EngineLikeExtension implements ExecutionCondition, BeforeTestExecutionCallback,
      AfterTestExecutionCallback, TestWatcher {

    /** The capability condition: starts the experiment and checks its capability before Allure starts the test. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (context.getConfigurationParameter(ENABLED).isEmpty()) {
        return ConditionEvaluationResult.disabled("a fixture: only AllureJunitPlatformTest runs it");
      }
      if (context.getTestMethod().isEmpty()) {
        return ConditionEvaluationResult.enabled("run by AllureJunitPlatformTest");
      }
      String name = name(context);
      boolean blocked = context.getRequiredTestClass() == BlockedExperiment.class;
      listener.onEvent(new ExperimentStarted(Instant.now(), RUN, name, blocked ? "FX-2" : "FX-1",
          "Fixture experiment", context.getRequiredTestClass().getName(), context.getRequiredTestMethod().getName(),
          context.getUniqueId(), 90));
      listener.onEvent(new CapabilityChecked(Instant.now(), RUN, name, "NVLink metrics", !blocked,
          blocked ? "no NVLink fields" : "exported"));
      return blocked ? ConditionEvaluationResult.disabled(BlockedExperiment.REASON)
          : ConditionEvaluationResult.enabled("NVLink metrics present");
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
      listener.onEvent(new HypothesisChecked(Instant.now(), RUN, name(context), HypothesisChecked.Phase.BEFORE,
          "serving", true, List.of()));
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
      listener.onEvent(new RollbackDone(Instant.now(), RUN, name(context), "recreate pod", "k", List.of(),
          RollbackSource.EXPERIMENT));
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
      listener.onEvent(new VerdictReached(Instant.now(), RUN, name(context), Verdict.HELD, "hypothesis held"));
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
      if (reason.orElse("").startsWith("BLOCKED: ")) {
        listener.onEvent(new VerdictReached(Instant.now(), RUN, name(context), Verdict.BLOCKED, reason.get()));
      }
    }

    static String name(ExtensionContext context) {
      return "FX " + context.getRequiredTestClass().getSimpleName() + "#" + context.getRequiredTestMethod().getName();
    }
  }

  @ExtendWith(EngineLikeExtension.class)
  static class FakeExperiment {
    static final String NAME = "FX FakeExperiment#podComesBack";

    @Test
    void podComesBack() throws InterruptedException {
      listener.onEvent(new FaultPrepared(Instant.now(), RUN, NAME, "delete pod", "recreate pod", List.of(), false));
      listener.onEvent(new FaultActed(Instant.now(), RUN, NAME, "delete pod"));
      Thread guard = new Thread(() -> listener.onEvent(new GuardBreached(Instant.now(), RUN, NAME, "fixture guard",
          "c", "1", "0", null)));
      guard.start();
      guard.join();
    }
  }

  @ExtendWith(EngineLikeExtension.class)
  static class BlockedExperiment {
    static final String REASON = "BLOCKED: NVLink metrics absent: no NVLink fields";

    @Test
    void needsNvlink() {
      throw new AssertionError("a blocked experiment never runs");
    }
  }
}
