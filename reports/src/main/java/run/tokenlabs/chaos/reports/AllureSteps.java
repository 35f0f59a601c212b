package run.tokenlabs.chaos.reports;

import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.spi.ChaosEvent;

/**
 * Turns one experiment's events into Allure steps and attachments of its test case.
 *
 * <p>The test case is found once, on the test thread, when the experiment starts
 * ({@link AllureLifecycle#getCurrentTestCase()}); every later event, from whichever thread (a guard,
 * a rollback), is written against that UUID explicitly, never through the thread's own context.
 * Each event becomes one finished step, so nothing is left open if the test ends abruptly.
 * Without a running Allure test case (plain {@code mvn verify}, engine tests) it does nothing.
 */
final class AllureSteps {
  static final String EPIC = "Game day";

  private final AllureLifecycle lifecycle;
  private final Map<String, String> testCaseByExperiment = new ConcurrentHashMap<>();
  private final Map<String, List<List<String>>> keyNumbersByExperiment = new ConcurrentHashMap<>();
  private volatile boolean sawTestCase;

  AllureSteps(AllureLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /** Whether any experiment of this run ran inside an Allure test case. */
  boolean sawTestCase() {
    return sawTestCase;
  }

  void onEvent(ChaosEvent event) {
    if (event.experiment() == null) {
      return;
    }
    if (event.type() == ChaosEvent.EventType.EXPERIMENT_STARTED) {
      started(event);
      return;
    }
    String testCase = testCaseByExperiment.get(event.experiment());
    if (testCase == null) {
      return;
    }
    Map<String, Object> d = event.data();
    switch (event.type()) {
      case CAPABILITY_CHECKED -> step(testCase, event, "Capability: " + text(d, "capability"),
          Boolean.TRUE.equals(d.get("present")) ? Status.PASSED : Status.SKIPPED, text(d, "reason"),
          List.of(param("present", text(d, "present")), param("reason", text(d, "reason"))));
      case HYPOTHESIS_CHECKED -> hypothesis(testCase, event);
      case FAULT_INJECTED -> fault(testCase, event);
      case ROLLBACK_DONE -> rollback(testCase, event);
      case GUARD_BREACHED -> step(testCase, event, "Guard breached: " + text(d, "guard"), Status.FAILED,
          text(d, "check") + ": read " + text(d, "reading") + ", limit " + text(d, "limit")
              + (d.containsKey("error") ? "; " + text(d, "error") : ""),
          List.of(param("check", text(d, "check")), param("reading", text(d, "reading")), param("limit", text(d, "limit"))));
      case FINDING -> finding(testCase, event);
      case KEY_NUMBER -> keyNumber(testCase, event);
      case EVIDENCE -> evidence(testCase, event);
      case VERDICT -> verdict(testCase, event);
      default -> {
        // run-level types never carry an experiment
      }
    }
  }

  private void started(ChaosEvent event) {
    lifecycle.getCurrentTestCase().ifPresent(uuid -> {
      sawTestCase = true;
      testCaseByExperiment.put(event.experiment(), uuid);
      keyNumbersByExperiment.put(event.experiment(), new CopyOnWriteArrayList<>());
      Map<String, Object> d = event.data();
      lifecycle.updateTestCase(uuid, test -> {
        test.getLabels().add(label("epic", EPIC));
        test.getLabels().add(label("feature", text(d, "id")));
        test.getLabels().add(label("story", text(d, "title")));
      });
    });
  }

  private void hypothesis(String testCase, ChaosEvent event) {
    Map<String, Object> d = event.data();
    String phase = "after".equals(d.get("phase")) ? "after" : "before";
    List<Parameter> params = new ArrayList<>();
    List<StepResult> checks = new ArrayList<>();
    boolean anyError = false;
    for (Object o : list(d.get("checks"))) {
      if (!(o instanceof Map<?, ?> c)) {
        continue;
      }
      String probe = text(c, "probe");
      String reading = c.get("reading") == null ? "no reading" : text(c, "reading");
      boolean held = Boolean.TRUE.equals(c.get("held"));
      boolean error = c.get("error") != null;
      anyError |= error;
      params.add(param(probe, reading + " (expected " + text(c, "tolerance") + ")" + (held ? " ✓" : " ✗")));
      StepResult check = new StepResult().setName(probe + " = " + reading + ", expected " + text(c, "tolerance"))
          .setStatus(error ? Status.BROKEN : held ? Status.PASSED : Status.FAILED)
          .setStart(event.at().toEpochMilli()).setStop(event.at().toEpochMilli());
      if (error) {
        check.setStatusDetails(new StatusDetails().setMessage(text(c, "error")));
      }
      checks.add(check);
    }
    boolean held = Boolean.TRUE.equals(d.get("held"));
    Status status = held ? Status.PASSED : anyError ? Status.BROKEN : Status.FAILED;
    String name = "Steady state " + phase + ": " + text(d, "hypothesis");
    String uuid = start(testCase, event, name, status, held ? null : "steady state not met " + phase, params);
    lifecycle.updateStep(uuid, step -> step.getSteps().addAll(checks));
    lifecycle.stopStep(uuid);
  }

  private void fault(String testCase, ChaosEvent event) {
    Map<String, Object> d = event.data();
    boolean dryRun = Boolean.TRUE.equals(d.get("dryRun"));
    String name = (dryRun ? "Inject fault (dry run, not acted on): " : "Inject fault: ") + text(d, "fault");
    step(testCase, event, name, dryRun ? Status.SKIPPED : Status.PASSED, null,
        List.of(param("rollback", text(d, "rollback")), param("namespaces", text(d, "namespaces"))));
  }

  private void rollback(String testCase, ChaosEvent event) {
    Map<String, Object> d = event.data();
    boolean failed = "failed".equals(d.get("outcome"));
    step(testCase, event, "Rollback: " + text(d, "rollback"), failed ? Status.FAILED : Status.PASSED,
        failed ? text(d, "error") : null,
        List.of(param("kind", text(d, "kind")), param("outcome", text(d, "outcome")), param("source", text(d, "source"))));
  }

  private void finding(String testCase, ChaosEvent event) {
    Map<String, Object> d = event.data();
    String uuid = start(testCase, event, "Finding: " + text(d, "title"), Status.PASSED, null,
        List.of(param("statement", text(d, "statement"))));
    attach("Finding: " + text(d, "title"), "text/plain", ".txt",
        text(d, "title") + "\n\n" + text(d, "statement") + "\n\nEvidence:\n" + text(d, "evidence"));
    lifecycle.stopStep(uuid);
  }

  private void keyNumber(String testCase, ChaosEvent event) {
    Map<String, Object> d = event.data();
    String value = Values.number(RunRecord.number(d.get("value")));
    String unit = Values.NO_DATA.equals(value) ? "" : text(d, "unit");
    step(testCase, event, "Key number: " + text(d, "name") + " = " + value + (unit.isEmpty() ? "" : " " + unit),
        Status.PASSED, null, List.of(param("note", text(d, "note"))));
    List<List<String>> rows = keyNumbersByExperiment.get(event.experiment());
    if (rows != null) {
      rows.add(List.of(text(d, "name"), value, unit, text(d, "note")));
    }
  }

  private void evidence(String testCase, ChaosEvent event) {
    Map<String, Object> d = event.data();
    String uuid = start(testCase, event, "Evidence: " + text(d, "name"), Status.PASSED, null, List.of());
    attach(text(d, "name"), "text/plain", ".txt", text(d, "content"));
    lifecycle.stopStep(uuid);
  }

  /** The last event of an experiment: a verdict step, the key-number table, a tag to filter by. */
  private void verdict(String testCase, ChaosEvent event) {
    Map<String, Object> d = event.data();
    Verdict verdict = verdictOf(text(d, "verdict"));
    Status status = switch (verdict) {
      case HELD -> Status.PASSED;
      case DEVIATED -> Status.FAILED;
      case ERROR -> Status.BROKEN;
      case ABORTED, BLOCKED -> Status.SKIPPED;
    };
    step(testCase, event, "Verdict: " + Values.status(verdict), status, Values.reason(verdict, text(d, "message")), List.of());
    List<List<String>> rows = keyNumbersByExperiment.remove(event.experiment());
    if (rows != null && !rows.isEmpty()) {
      attachToTestCase(testCase, "Key numbers", "text/csv", ".csv", csv(rows));
    }
    lifecycle.updateTestCase(testCase, test -> test.getLabels().add(label("tag", verdict.name())));
    testCaseByExperiment.remove(event.experiment(), testCase);
  }

  private void step(String testCase, ChaosEvent event, String name, Status status, String message, List<Parameter> params) {
    lifecycle.stopStep(start(testCase, event, name, status, message, params));
  }

  /** Starts a step under the test case (explicit parent: safe from any thread); the caller stops it. */
  private String start(String testCase, ChaosEvent event, String name, Status status, String message, List<Parameter> params) {
    String uuid = UUID.randomUUID().toString();
    StepResult step = new StepResult().setName(name).setStatus(status).setParameters(new ArrayList<>(params));
    if (message != null && !message.isEmpty()) {
      step.setStatusDetails(new StatusDetails().setMessage(message));
    }
    lifecycle.startStep(testCase, uuid, step);
    lifecycle.updateStep(uuid, s -> s.setStart(event.at().toEpochMilli()));
    return uuid;
  }

  /** Attaches to the step this thread just started (AllureLifecycle attaches to the thread's current step). */
  private void attach(String name, String type, String extension, String content) {
    lifecycle.addAttachment(name, type, extension, content.getBytes(StandardCharsets.UTF_8));
  }

  private void attachToTestCase(String testCase, String name, String type, String extension, String content) {
    String source = UUID.randomUUID() + "-attachment" + extension;
    lifecycle.writeAttachment(source, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    lifecycle.updateTestCase(testCase, test -> test.getAttachments().add(
        new Attachment().setName(name).setType(type).setSource(source)));
  }

  static String csv(List<List<String>> rows) {
    StringBuilder out = new StringBuilder("Metric,Value,Unit,Notes\n");
    for (List<String> row : rows) {
      out.append(String.join(",", row.stream().map(AllureSteps::csvField).toList())).append('\n');
    }
    return out.toString();
  }

  private static String csvField(String field) {
    boolean quote = field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r");
    return quote ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
  }

  private static Verdict verdictOf(String name) {
    try {
      return Verdict.valueOf(name);
    } catch (IllegalArgumentException e) {
      return Verdict.ERROR;
    }
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> l ? l : List.of();
  }

  private static String text(Map<?, ?> data, String key) {
    Object value = data.get(key);
    return value == null ? "" : String.valueOf(value);
  }

  private static Parameter param(String name, String value) {
    return new Parameter().setName(name).setValue(value);
  }

  private static Label label(String name, String value) {
    return new Label().setName(name).setValue(value);
  }
}
